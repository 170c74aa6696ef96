// A store adopts an existing namespace or Secret only when it made it itself: same store id, same
// owner, same incarnation. Objects left by another owner's store of the same id (its workflow ended
// without a delete) are never taken over, so no tenant inherits another's data or credentials.
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { storeLabelKeys } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';

export interface Claimant {
  spec: Pick<StoreSpec, 'storeId' | 'owner'>;
  /**
   * The first run id of the store workflow's chain (workflowInfo().firstExecutionRunId). Unset for a
   * cleanup, which removes what any earlier store of the same owner and id left.
   */
  incarnation?: string;
}

/**
 * Why the object labelled `labels` is not the claimant's, or undefined when it is. An object without
 * an incarnation label predates incarnations: it is the claimant's when store id and owner match.
 */
export function foreignOwnership(
  what: string,
  labels: Record<string, string> | undefined,
  { spec, incarnation }: Claimant,
): string | undefined {
  const label = (key: string) => labels?.[key];
  const storeId = label(storeLabelKeys.storeId);
  if (!storeId) return `${what} exists but was not made by storefleet (no ${storeLabelKeys.storeId} label)`;
  if (storeId !== spec.storeId) return `${what} belongs to store ${storeId}, not ${spec.storeId}`;
  if (label(storeLabelKeys.owner) !== spec.owner) return `${what} was left by another owner's store ${spec.storeId}`;
  const theirs = label(storeLabelKeys.incarnation);
  if (incarnation && theirs && theirs !== incarnation)
    return `${what} was left by an earlier store ${spec.storeId} (incarnation ${theirs})`;
  return undefined;
}

/** Fails the step for good when the object is not the claimant's: retrying cannot change whose it is. */
export function refuseForeign(what: string, labels: Record<string, string> | undefined, claimant: Claimant): void {
  const problem = foreignOwnership(what, labels, claimant);
  if (!problem) return;
  throw ApplicationFailure.create({
    type: failureTypes.ForeignRemains,
    nonRetryable: true,
    message: `${problem}; storefleet does not adopt it. The owner of the earlier store removes it with DELETE /api/v1/stores/${claimant.spec.storeId}, or an operator deletes the namespace; then retry this store`,
  });
}
