// What helm recorded about a release, read from its storage with one API call: helm keeps one Secret
// per revision (sh.helm.release.v1.<release>.v<N>), labelled owner=helm, name, version and status. A
// `helm status` process costs ~0.2 s of CPU, and every install asked it first.
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';

export interface ReleaseRecord {
  revision: number;
  /** deployed, failed, superseded, pending-install, pending-upgrade, pending-rollback, uninstalling... */
  status: string;
}

const revisionOf = (secret: V1Secret) => Number(secret.metadata?.labels?.version ?? 0);

/** helm's Secret of the release's newest revision (of those with `status`, when given); undefined if none. */
export async function newestReleaseSecret(
  kubeConfig: KubeConfig,
  release: string,
  namespace: string,
  status?: string,
): Promise<V1Secret | undefined> {
  const secrets = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({
    namespace,
    labelSelector: `owner=helm,name=${release}${status ? `,status=${status}` : ''}`,
  });
  return secrets.items.reduce<V1Secret | undefined>(
    (newest, secret) => (newest === undefined || revisionOf(secret) > revisionOf(newest) ? secret : newest),
    undefined,
  );
}

/** The release's latest revision, as `helm status` reports it; undefined when helm has no record of it. */
export async function latestRevision(
  kubeConfig: KubeConfig,
  release: string,
  namespace: string,
): Promise<ReleaseRecord | undefined> {
  const secret = await newestReleaseSecret(kubeConfig, release, namespace);
  return secret && { revision: revisionOf(secret), status: secret.metadata?.labels?.status ?? '' };
}
