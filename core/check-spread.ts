// When a Ready store checks itself: every store waits its own share of the interval (75-125 %), fixed
// by its id, so a thousand stores made in one burst do not all check at the same moment. A hash, not a
// random number: workflows must replay the same, and the same store keeps the same rhythm.

/** FNV-1a of the id, mixed by MurmurHash3's finalizer (ids differing in one digit land far apart), in [0, 1). */
function idFraction(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 2 ** 32;
}

/** The store's wait between checks, in ms: 75-125 % of the interval. */
export const checkIntervalMs = (storeId: string, intervalSeconds: number): number =>
  Math.round(intervalSeconds * 1000 * (0.75 + idFraction(storeId) / 2));
