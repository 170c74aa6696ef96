// How many event streams one owner may hold open on this API process. Each stream keeps a connection
// and asks Temporal about its store every poll, so one key must not be able to open thousands.
import { ApiError } from './errors.js';

export const defaultStreamsPerOwner = 20;

export interface StreamSlots {
  /** Takes one of the owner's slots (429 when none is free); call the returned function when the stream ends. */
  take: (owner: string) => () => void;
  /** Streams open now, all owners together. */
  open: () => number;
}

export function createStreamSlots(perOwner: number): StreamSlots {
  const openByOwner = new Map<string, number>();
  return {
    take(owner) {
      const open = openByOwner.get(owner) ?? 0;
      if (open >= perOwner) {
        throw new ApiError(
          429,
          'too_many_streams',
          `${open} event streams are open for this owner (limit ${perOwner}); close one first`,
          undefined,
          { 'Retry-After': '10' },
        );
      }
      openByOwner.set(owner, open + 1);
      return () => {
        const left = (openByOwner.get(owner) ?? 1) - 1;
        // An owner's entry goes with its last stream: nothing is kept for owners who have left.
        if (left > 0) openByOwner.set(owner, left);
        else openByOwner.delete(owner);
      };
    },
    open: () => [...openByOwner.values()].reduce((sum, n) => sum + n, 0),
  };
}
