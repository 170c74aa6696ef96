// Whether a step failed because the Kubernetes API could not be reached (down, restarting, overloaded)
// rather than because it refused the request: only the former is an outage worth telling the store's
// timeline about, and only retrying with time fixes it.
import { ApiException } from '@kubernetes/client-node';
import { describeKubeError, isUnanswered } from './kube-objects.js';

/** Node's and undici's codes for a connection that could not be made or was lost. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The same in words, as helm (Go) and node-fetch put it, e.g. `Kubernetes cluster unreachable: ... connection refused`. */
const unreachableWords =
  /cluster unreachable|connection refused|connection reset|i\/o timeout|TLS handshake timeout|no route to host|unexpected EOF|client connection lost|socket hang up|network timeout|the server is currently unable to handle the request|ECONNREFUSED|ECONNRESET|ETIMEDOUT/i;

/** Event messages stay one readable line. */
const maxMessageLength = 300;

export function isKubernetesUnreachable(error: unknown): boolean {
  let cause = error;
  for (let depth = 0; depth < 5 && typeof cause === 'object' && cause !== null; depth++) {
    // The API answered: an outage only if it says it cannot serve (5xx); a 4xx is about the request.
    if (cause instanceof ApiException) return cause.code >= 500;
    if (isUnanswered(cause)) return true;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && networkErrorCodes.has(code)) return true;
    if (typeof message === 'string' && unreachableWords.test(message)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** The error as one short line for an event: the API's own message, never a response's headers. */
export function describeUnreachable(error: unknown): string {
  const line = describeKubeError(error).replace(/\s+/g, ' ').trim();
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength - 1)}…` : line;
}

/** helm's (Go client's) words for an apiserver that answered but could not serve, e.g. with etcd down. */
const couldNotServeWords =
  /the server is currently unable to handle the request|the server was unable to return a response|etcdserver|Internal error occurred/i;

/**
 * What the failure says about the API, in words that claim no more than was seen: connecting failed
 * ("could not reach"), or the apiserver answered with a 5xx, as it does when its etcd is down ("answered
 * ... could not serve").
 */
export function describeOutage(error: unknown): string {
  let cause = error;
  for (let depth = 0; depth < 5 && typeof cause === 'object' && cause !== null; depth++) {
    if (isUnanswered(cause)) return describeKubeError(cause);
    if (cause instanceof ApiException && cause.code >= 500)
      return `the Kubernetes API answered ${cause.code} and could not serve the request: ${describeUnreachable(cause).replace(/^\d+: /, '')}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  const line = describeUnreachable(error);
  return couldNotServeWords.test(line)
    ? `the Kubernetes API answered but could not serve the request: ${line}`
    : `could not reach the Kubernetes API: ${line}`;
}
