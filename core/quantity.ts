// Kubernetes resource quantities ("100m", "512Mi", "2", "1.5Gi", "1e3") as numbers, so usage can be
// compared with a quota and summed across stores. CPU comes out in cores, memory and storage in bytes.
const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity's value, or undefined when it is not a Kubernetes quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * suffixes[match[2] ?? '']!;
}

/** used / hard, rounded to a thousandth; undefined when either cannot be read or hard is zero. */
export function usedFraction(used: string, hard: string): number | undefined {
  const u = parseQuantity(used);
  const h = parseQuantity(hard);
  if (u === undefined || h === undefined || h === 0) return undefined;
  return Math.round((u / h) * 1000) / 1000;
}
