// Failure types the activities raise and the workflows act on. Types in nonRetryableFailureTypes fail
// at once: retrying cannot fix them without a change (of the values, the plan or the cluster).
export const failureTypes = {
  InvalidStoreSpec: 'InvalidStoreSpec',
  InvalidChartValues: 'InvalidChartValues',
  QuotaExceeded: 'QuotaExceeded',
  ProvisionTimeout: 'ProvisionTimeout',
} as const;
export type FailureType = keyof typeof failureTypes;

export const nonRetryableFailureTypes: string[] = [
  failureTypes.InvalidStoreSpec,
  failureTypes.InvalidChartValues,
  failureTypes.QuotaExceeded,
  failureTypes.ProvisionTimeout,
];
