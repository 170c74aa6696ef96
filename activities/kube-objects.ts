// "Make it so" for Kubernetes objects: server-side apply, reporting whether the object was missing.
import {
  ApiException,
  KubernetesObjectApi,
  Observable,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export const fieldManager = 'storefleet';

/** Options for one client call that change its request before it goes out (a timeout, a header, a raw body). */
export const beforeSend = (change: (context: RequestContext) => void) => ({
  middleware: [
    {
      pre: (context: RequestContext) => {
        change(context);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    },
  ],
  middlewareMergeStrategy: 'append' as const,
});

export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** Runs a call where "not there" is an answer, not an error. */
export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Creating what already exists is fine for idempotent steps. */
export async function ignoreConflict<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 409) return undefined;
    throw error;
  }
}

/** Applies the object as storefleet owns it; true when it had to be created. */
export async function applyObject(kc: KubeConfig, object: KubernetesObject): Promise<boolean> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const header = {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace },
  };
  const existing = await ignoreNotFound(client.read(header));
  await client.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
  return existing === undefined;
}

/** A readable one-liner of a Kubernetes API error, e.g. `403 Forbidden: exceeded quota ...`. */
export function describeKubeError(error: unknown): string {
  if (isUnanswered(error)) return unansweredMessage;
  if (!(error instanceof ApiException)) return error instanceof Error ? error.message : String(error);
  const body: unknown = typeof error.body === 'string' ? safeJson(error.body) : error.body;
  const message = body && typeof body === 'object' && 'message' in body ? String(body.message) : error.message;
  return `${error.code}: ${message}`;
}

/**
 * An API call given up because no answer came in time (kube-config.ts): the HTTP client's abort, which
 * says only "The user aborted a request".
 */
export const isUnanswered = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';
const unansweredMessage = 'the Kubernetes API did not answer before the request timed out';

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
