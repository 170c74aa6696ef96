import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeOutage, describeUnreachable, isKubernetesUnreachable } from './kube-unreachable.js';

/** What node-fetch throws under @kubernetes/client-node when nothing listens on the port. */
const refused = Object.assign(
  new Error('request to https://127.0.0.1:6443/api/v1/namespaces failed, reason: connect ECONNREFUSED 127.0.0.1:6443'),
  {
    type: 'system',
    code: 'ECONNREFUSED',
  },
);

describe('isKubernetesUnreachable', () => {
  it.each([
    ['when the connection is refused, then it is', refused, true],
    [
      'when the connection is reset, then it is',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      true,
    ],
    ['when the request times out, then it is', new Error('network timeout at: https://127.0.0.1:6443/api'), true],
    [
      'when the API answers 503, then it is',
      new ApiException(
        503,
        'Service Unavailable',
        { message: 'the server is currently unable to handle the request' },
        {},
      ),
      true,
    ],
    ['when the API answers 500, then it is', new ApiException(500, 'Internal Server Error', {}, {}), true],
    [
      'when helm cannot reach the cluster, then it is',
      new Error(
        'helm upgrade --install woocommerce-a: Kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": dial tcp 127.0.0.1:6443: connect: connection refused',
      ),
      true,
    ],
    [
      'when helm times out on a dial, then it is',
      new Error('helm uninstall x: Get "https://10.0.0.1/api": dial tcp 10.0.0.1:443: i/o timeout'),
      true,
    ],
    ['when the cause is wrapped, then it is', new Error('step failed', { cause: refused }), true],
    [
      'when the API refuses the request (403 quota), then it is not',
      new ApiException(403, 'Forbidden', { message: 'exceeded quota: store-quota' }, {}),
      false,
    ],
    [
      'when the object is missing (404), then it is not',
      new ApiException(404, 'Not Found', { message: 'connection refused' }, {}),
      false,
    ],
    [
      'when helm rejects the values, then it is not',
      new Error('helm upgrade --install x: execution error at (woocommerce/templates/x.yaml:3:4): storeId is required'),
      false,
    ],
    ['when it is not an error at all, then it is not', 'connection refused?', false],
  ])('%s', (_name, error, expected) => {
    expect(isKubernetesUnreachable(error)).toBe(expected);
  });
});

describe('describeUnreachable', () => {
  it('when the API answered, then the line is its code and message without headers', () => {
    const error = new ApiException(
      503,
      'Service Unavailable',
      { message: 'the server is currently unable to handle the request' },
      { authorization: 'x' },
    );
    expect(describeUnreachable(error)).toBe('503: the server is currently unable to handle the request');
  });

  it('when the message is long and spans lines, then it becomes one bounded line', () => {
    const line = describeUnreachable(new Error(`Kubernetes cluster unreachable:\n${'x'.repeat(500)}`));
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThanOrEqual(300);
  });
});

describe('describeOutage', () => {
  it.each([
    [
      'when the connection was refused, then it could not reach the API',
      refused,
      'could not reach the Kubernetes API: request to https://127.0.0.1:6443/api/v1/namespaces failed, reason: connect ECONNREFUSED 127.0.0.1:6443',
    ],
    [
      'when the apiserver answered 500 because etcd is down, then it answered and could not serve',
      new Error('step failed', {
        cause: new ApiException(500, 'Internal Server Error', { message: 'etcdserver: request timed out' }, {}),
      }),
      'the Kubernetes API answered 500 and could not serve the request: etcdserver: request timed out',
    ],
    [
      'when helm says the server could not return a response, then it answered and could not serve',
      new Error(
        'helm uninstall x: the server was unable to return a response in the time allotted, but may still be processing the request',
      ),
      'the Kubernetes API answered but could not serve the request: helm uninstall x: the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  ])('%s', (_name, error, expected) => {
    expect(describeOutage(error)).toBe(expected);
  });
});
