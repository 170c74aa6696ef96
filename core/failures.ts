// Failure types the activities raise and the workflows act on. Types in nonRetryableFailureTypes fail
// at once: retrying cannot fix them without a change (of the values, the plan or the cluster).
export const failureTypes = {
  InvalidStoreSpec: 'InvalidStoreSpec',
  InvalidChartValues: 'InvalidChartValues',
  QuotaExceeded: 'QuotaExceeded',
  ProvisionTimeout: 'ProvisionTimeout',
  /** A Job of the release failed for good (its backoffLimit is spent): waiting longer cannot help. */
  JobFailed: 'JobFailed',
  /**
   * A container's image is not on the node and its pull policy forbids pulling it (ErrImageNeverPull),
   * or its name is invalid (InvalidImageName): nothing changes that without someone acting.
   */
  ImageUnavailable: 'ImageUnavailable',
  /** The charts directory has no chart of the engine at the version asked for. */
  ChartVersionNotFound: 'ChartVersionNotFound',
  /** A plan or chart change refused before anything changed (e.g. the usage does not fit the new plan). */
  ChangeRefused: 'ChangeRefused',
  /** The store's namespace or Secret exists but was made for another owner or an earlier store with this id. */
  ForeignRemains: 'ForeignRemains',
  /**
   * An update (hibernate, wake, change, order check) refused by the store workflow in its current phase
   * or while it is busy. Thrown as an ApplicationFailure so a handler refusing after an await fails the
   * update, not the workflow task (which would fail again on every retry and wedge the store).
   */
  UpdateRefused: 'UpdateRefused',
} as const;
export type FailureType = keyof typeof failureTypes;

/** Every type above names something a retry cannot change, so none is retried (UpdateRefused is raised by update handlers, never by an activity). */
export const nonRetryableFailureTypes: string[] = Object.values(failureTypes);
