import { describe, expect, it } from 'vitest';
import { classifyHelmError } from './helm.js';

describe('classifyHelmError', () => {
  it.each([
    [
      'when the values break the schema, then it is InvalidChartValues',
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nwoocommerce:\n- plan: must be one of",
      'InvalidChartValues',
    ],
    [
      'when a template fails, then it is InvalidChartValues',
      'Error: UPGRADE FAILED: execution error at (woocommerce/templates/x.yaml:3:4): storeId is required',
      'InvalidChartValues',
    ],
    [
      'when the quota rejects an object, then it is QuotaExceeded',
      'Error: persistentvolumeclaims "data" is forbidden: exceeded quota: store-quota, requested: requests.storage=50Gi',
      'QuotaExceeded',
    ],
    [
      'when another operation is in progress, then it may be retried',
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
      undefined,
    ],
    [
      'when the API server is unreachable, then it may be retried',
      'Error: Kubernetes cluster unreachable: connection refused',
      undefined,
    ],
    [
      'when helm lists several errors, then the quota one still counts',
      'Error: 1 error occurred:\n\t* persistentvolumeclaims "x" is forbidden: exceeded quota: store-quota\n\n',
      'QuotaExceeded',
    ],
  ])('%s', (_name, output, type) => {
    const result = classifyHelmError(output);
    expect(result.type).toBe(type);
    expect(result.message).not.toMatch(/^Error:/);
  });

  it('when helm lists several errors, then the message keeps all of them on one line', () => {
    expect(
      classifyHelmError('Error: 1 error occurred:\n\t* persistentvolumeclaims "x" is forbidden: exceeded quota\n')
        .message,
    ).toBe('1 error occurred: persistentvolumeclaims "x" is forbidden: exceeded quota');
  });
});
