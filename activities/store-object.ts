// The store's Store object (stores.storefleet.io): kept by its workflow, which creates it for a store made
// through the API, writes the status on every change, posts the timeline's events on it, and lets it go
// once the store is deleted.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
} from '@kubernetes/client-node';
import type { StoreEvent } from '../core/status.js';
import {
  fieldManagers,
  newStoreObject,
  storeFinalizer,
  type StoreObject,
  type StoreObjectSpec,
  type StoreObjectStatus,
} from '../core/store-object.js';
import { storeGroup, storePlural, storeVersion } from '../core/store-resource.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { ignoreConflict, ignoreNotFound, statusOf } from './kube-objects.js';

export interface StoreObjectPublication {
  storeId: string;
  owner: string;
  /** The object's namespace: the declaring object's, or the platform's for a store made through the API. */
  namespace: string;
  spec: StoreObjectSpec;
  status: StoreObjectStatus;
  /** Timeline events not yet posted, oldest first. */
  events: StoreEvent[];
}

/** A store event as a Kubernetes Event on its Store object (`kubectl describe store`), from `component`. */
export function kubeEventOf(
  event: StoreEvent,
  object: { name: string; namespace: string; uid?: string },
  component = 'storefleet',
): CoreV1Event {
  return {
    metadata: { generateName: `${object.name}.`, namespace: object.namespace },
    involvedObject: {
      apiVersion: `${storeGroup}/${storeVersion}`,
      kind: 'Store',
      name: object.name,
      namespace: object.namespace,
      uid: object.uid,
    },
    type: event.type,
    reason: event.reason,
    // Kubernetes refuses Event messages over 1 kB.
    message: event.message.length > 1000 ? `${event.message.slice(0, 997)}...` : event.message,
    firstTimestamp: new Date(event.time),
    lastTimestamp: new Date(event.time),
    count: 1,
    source: { component },
  };
}

export function createStoreObjectActivities(deps: ActivityDeps) {
  const objects = deps.kubeConfig.makeApiClient(CustomObjectsApi);
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);
  const read = (namespace: string, name: string) => readStoreObject(objects, storeObjectAt(namespace, name));
  const where = storeObjectAt;

  return {
    /**
     * Makes the Store object say what the store is: created when missing (unless the store is going
     * away), its status applied as the workflow's, and the new events posted on it. Without the CRD in
     * the cluster it does nothing and says so.
     */
    async publishStoreObject(publication: StoreObjectPublication): Promise<void> {
      const { storeId, namespace, status } = publication;
      const log = activityLogger(deps.log, storeId).child({ storeObject: `${namespace}/${storeId}` });
      let object = await read(namespace, storeId);
      if (!object) {
        if (status.phase === 'Deleting' || status.phase === 'Deleted') return;
        try {
          await ignoreConflict(
            objects.createNamespacedCustomObject({
              ...where(namespace, storeId),
              body: newStoreObject(storeId, namespace, publication.spec, publication.owner),
            }),
          );
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
          log.warn(
            'no Store CRD (stores.storefleet.io) in the cluster, or no namespace %s: status not written',
            namespace,
          );
          return;
        }
        object = await read(namespace, storeId);
        if (!object) return;
      }
      await applyStoreStatus(objects, { namespace, name: storeId }, status, fieldManagers.workflow);
      const uid = object.metadata.uid ?? '';
      for (const event of publication.events)
        await core.createNamespacedEvent({ namespace, body: kubeEventOf(event, { name: storeId, namespace, uid }) });
      log.info({ phase: status.phase, events: publication.events.length }, 'Store object status written');
    },

    /** The store is deleted: its object goes too (a `kubectl delete` already under way just finishes). */
    async releaseStoreObject(storeId: string, namespace: string): Promise<void> {
      const object = await read(namespace, storeId);
      if (!object) return;
      if (!object.metadata.deletionTimestamp) {
        await ignoreNotFound(objects.deleteNamespacedCustomObject(where(namespace, storeId)));
        const deleting = await read(namespace, storeId);
        if (deleting) await removeFinalizer(objects, deleting);
      } else await removeFinalizer(objects, object);
      activityLogger(deps.log, storeId).info({ storeObject: `${namespace}/${storeId}` }, 'Store object released');
    },
  };
}

/**
 * Applies `status` to the object's status as `manager` (server-side apply): each writer owns its fields
 * and its conditions (a list keyed by type), and a field it stops setting is removed.
 */
export async function applyStoreStatus(
  objects: CustomObjectsApi,
  { namespace, name }: { namespace: string; name: string },
  status: object,
  manager: string,
): Promise<void> {
  await objects.patchNamespacedCustomObjectStatus(
    {
      ...storeObjectAt(namespace, name),
      body: { apiVersion: `${storeGroup}/${storeVersion}`, kind: 'Store', metadata: { name, namespace }, status },
      fieldManager: manager,
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}

/** Where a Store object is, in the form CustomObjectsApi takes. */
export const storeObjectAt = (namespace: string, name: string) => ({
  group: storeGroup,
  version: storeVersion,
  plural: storePlural,
  namespace,
  name,
});

export const readStoreObject = (objects: CustomObjectsApi, at: ReturnType<typeof storeObjectAt>) =>
  ignoreNotFound(objects.getNamespacedCustomObject(at) as Promise<StoreObject>);

/**
 * Sets the object's finalizers. The resourceVersion makes it fail (409) rather than drop or duplicate a
 * finalizer someone changed meanwhile; the next event brings the object as it is now.
 */
export async function setFinalizers(objects: CustomObjectsApi, object: StoreObject, finalizers: string[]) {
  await ignoreNotFound(
    objects.patchNamespacedCustomObject(
      {
        ...storeObjectAt(object.metadata.namespace, object.metadata.name),
        body: { metadata: { finalizers, resourceVersion: object.metadata.resourceVersion } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
  );
}

/** Takes storefleet's finalizer off, keeping any other's. */
export async function removeFinalizer(objects: CustomObjectsApi, object: StoreObject): Promise<void> {
  const finalizers = object.metadata.finalizers ?? [];
  if (finalizers.includes(storeFinalizer))
    await setFinalizers(
      objects,
      object,
      finalizers.filter((name) => name !== storeFinalizer),
    );
}
