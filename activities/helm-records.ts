// What helm recorded about a release, read from its storage with one API call: helm keeps one Secret
// per revision (sh.helm.release.v1.<release>.v<N>), labelled owner=helm, name, version and status. A
// `helm status` process costs ~0.2 s of CPU, and every install asked it first.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface ReleaseRecord {
  revision: number;
  /** deployed, failed, superseded, pending-install, pending-upgrade, pending-rollback, uninstalling... */
  status: string;
}

/** The release's latest revision, as `helm status` reports it; undefined when helm has no record of it. */
export async function latestRevision(
  kubeConfig: KubeConfig,
  release: string,
  namespace: string,
): Promise<ReleaseRecord | undefined> {
  const secrets = await kubeConfig
    .makeApiClient(CoreV1Api)
    .listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${release}` });
  const records = secrets.items.map((secret) => ({
    revision: Number(secret.metadata?.labels?.version),
    status: secret.metadata?.labels?.status ?? '',
  }));
  return records.reduce<ReleaseRecord | undefined>(
    (latest, record) => (latest === undefined || record.revision > latest.revision ? record : latest),
    undefined,
  );
}
