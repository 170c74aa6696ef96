// The simulated cluster has no storage, so a tiny external provisioner stands in: it makes a
// PersistentVolume for every pending claim of the default class (the PV controller in
// kube-controller-manager then binds them) and deletes volumes their claims released.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api,
  StorageV1Api,
  type KubeConfig,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { ignoreConflict, ignoreNotFound } from '../../activities/kube-objects.js';

export const STORAGE_CLASS = 'standard';
export const PROVISIONER = 'storefleet.io/fake-provisioner';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export async function createDefaultStorageClass(kc: KubeConfig): Promise<void> {
  await ignoreConflict(
    kc.makeApiClient(StorageV1Api).createStorageClass({
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
    }),
  );
}

function volumeFor(claim: V1PersistentVolumeClaim): V1PersistentVolume {
  const uid = claim.metadata?.uid ?? '';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${uid}`, annotations: { [PROVISIONED_BY]: PROVISIONER } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: STORAGE_CLASS,
      hostPath: { path: `/var/lib/storefleet-simulated/${uid}` },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata?.namespace,
        name: claim.metadata?.name,
        uid,
      },
    },
  };
}

async function reconcile(core: CoreV1Api): Promise<void> {
  const claims = await core.listPersistentVolumeClaimForAllNamespaces();
  for (const claim of claims.items) {
    const pending = claim.status?.phase === 'Pending' && !claim.spec?.volumeName && !claim.metadata?.deletionTimestamp;
    if (pending && claim.spec?.storageClassName === STORAGE_CLASS) {
      await ignoreConflict(core.createPersistentVolume({ body: volumeFor(claim) }));
    }
  }
  const volumes = await core.listPersistentVolume();
  for (const volume of volumes.items) {
    if (volume.metadata?.annotations?.[PROVISIONED_BY] === PROVISIONER && volume.status?.phase === 'Released') {
      await ignoreNotFound(core.deletePersistentVolume({ name: volume.metadata.name ?? '' }));
    }
  }
}

/** Runs until the signal aborts; a failed pass (apiserver restarting) is simply tried again. */
export async function runFakeProvisioner(kc: KubeConfig, signal: AbortSignal, intervalMs = 500): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  while (!signal.aborted) {
    await reconcile(core).catch(() => undefined);
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
