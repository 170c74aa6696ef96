// The Store controller: turns Store objects (kubectl, GitOps) into what the REST API would do for them
// (create with the owner's quota, change, delete), through the API's own use cases, so both ways in follow
// one set of rules. It only reacts to object events; the store workflow writes the status back itself.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, makeInformer } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { applyStoreStatus, kubeEventOf, removeFinalizer, setFinalizers } from '../activities/store-object.js';
import { ApiError } from '../api/errors.js';
import { createPageTokens } from '../api/page-token.js';
import type { Caller } from '../api/store-records.js';
import { createStoreService } from '../api/stores.js';
import { storeWorkflowId } from '../core/names.js';
import {
  fieldManagers,
  ownerNamespaceLabel,
  storeFinalizer,
  storeObjectAction,
  syncedCondition,
  syncedReasons,
  type StoreObject,
  type StoreObjectAction,
  type WorkflowState,
} from '../core/store-object.js';
import { storeGroup, storePlural, storeVersion } from '../core/store-resource.js';
import { statusQuery } from '../core/messages.js';
import { readModelMemoKey, type StoreReadModel } from '../core/store-read-model.js';

export interface StoreControllerOptions {
  kubeConfig: KubeConfig;
  client: Client;
  taskQueue: string;
  /** Where stores made through the API keep their objects: such a workflow's object lives here. */
  objectNamespace: string;
  storesPerOwner: number;
}

type SyncedReason = keyof typeof syncedReasons;

/** When a Store is looked at again: not, after a while, or once store creation resumes (it was refused for the pause). */
export type LookAgain = 'no' | 'later' | 'whenCreationResumes';

/** The reason a refusal of the API's use cases gives on the object. */
function reasonOf(error: unknown): SyncedReason {
  if (!(error instanceof ApiError)) return 'Unavailable';
  if (error.status === 403) return 'QuotaExceeded';
  if (error.code === 'store_remains') return 'StoreRemains';
  if (error.code === 'store_deleting') return 'StoreDeleting';
  if (error.code === 'change_refused') return 'ChangeRefused';
  if (error.code === 'creation_paused') return 'CreationPaused';
  if (error.status === 409) return 'StoreIdTaken';
  return 'Unavailable';
}

export function createStoreController(options: StoreControllerOptions) {
  const { kubeConfig, client } = options;
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const stores = createStoreService({
    client,
    taskQueue: options.taskQueue,
    queryTimeoutMs: 5000,
    storesPerOwner: options.storesPerOwner,
    workerReadTimeoutMs: 20_000,
    pageTokens: createPageTokens(() => Promise.resolve(randomBytes(32))),
  });
  const core = kubeConfig.makeApiClient(CoreV1Api);

  /** The owner of the stores a namespace declares: its storefleet.io/owner label, else its name. */
  async function ownerOf(namespace: string): Promise<string> {
    const found = await core.readNamespace({ name: namespace });
    return found.metadata?.labels?.[ownerNamespaceLabel] ?? namespace;
  }

  async function workflowOf(object: StoreObject): Promise<WorkflowState> {
    const handle = client.workflow.getHandle(storeWorkflowId(object.metadata.name));
    const description = await handle.describe().catch((error: unknown) => {
      if ((error as Error).name === 'WorkflowNotFoundError') return undefined;
      throw error;
    });
    if (!description) return { kind: 'none' };
    if (description.status.name === 'COMPLETED') return { kind: 'deleted' };
    if (description.status.name !== 'RUNNING') return { kind: 'abandoned' };
    const resourceNamespace = (description.memo?.resourceNamespace as string | undefined) ?? options.objectNamespace;
    // What the store runs, from its read model; a workflow from before it is asked, only when the spec moved.
    const moved =
      resourceNamespace === object.metadata.namespace &&
      object.status?.observedGeneration !== object.metadata.generation;
    const status =
      (description.memo?.[readModelMemoKey] as StoreReadModel | undefined) ??
      (moved ? await handle.query(statusQuery) : undefined);
    return {
      kind: 'running',
      resourceNamespace,
      engine: object.spec.engine,
      plan: status?.plan ?? object.spec.plan,
      ...(status?.chartVersion ? { chartVersion: status.chartVersion } : {}),
    };
  }

  /** The controller's condition (and the generation it has acted on), applied as its own fields. */
  async function setSynced(
    object: StoreObject,
    reason: SyncedReason,
    message: string,
    observed: boolean,
  ): Promise<void> {
    const current = object.status?.conditions?.find((c) => c.type === syncedCondition);
    const status = reason === 'Synced' ? 'True' : 'False';
    const { name, namespace } = object.metadata;
    // The generation acted on stays as it was when this one is not handed over (a field left out would go).
    const observedGeneration = observed ? object.metadata.generation : object.status?.observedGeneration;
    await applyStoreStatus(
      objects,
      object.metadata,
      {
        conditions: [
          {
            type: syncedCondition,
            status,
            reason: syncedReasons[reason],
            message,
            lastTransitionTime: current?.status === status ? current.lastTransitionTime : new Date().toISOString(),
            observedGeneration: object.metadata.generation,
          },
        ],
        ...(observedGeneration === undefined ? {} : { observedGeneration }),
      },
      fieldManagers.controller,
    );
    if (reason !== 'Synced' && (current?.reason !== reason || current.message !== message))
      await core.createNamespacedEvent({
        namespace,
        body: kubeEventOf(
          { time: new Date().toISOString(), type: 'Warning', reason, message },
          { name, namespace, uid: object.metadata.uid },
          'storefleet-controller',
        ),
      });
  }

  /** Does what the object asks; true when it should be looked at again later. */
  async function act(object: StoreObject, action: StoreObjectAction): Promise<boolean> {
    const { name, namespace } = object.metadata;
    const by: Caller = { owner: 'store-controller', keyId: `Store ${namespace}/${name}`, admin: true };
    switch (action.kind) {
      case 'none':
        return false;
      case 'addFinalizer':
        await setFinalizers(objects, object, [...(object.metadata.finalizers ?? []), storeFinalizer]);
        return false;
      case 'release':
        await removeFinalizer(objects, object);
        return false;
      case 'delete':
        // A running store releases its object once Deleted; a cleanup of remains is looked at again.
        await stores.remove(name, by);
        return true;
      case 'refuse':
        await setSynced(object, action.reason, action.message, false);
        return true;
      case 'observe':
        await setSynced(object, 'Synced', 'the store runs what the object asks', true);
        return false;
      case 'create': {
        const owner = await ownerOf(namespace);
        const { spec } = object;
        await stores.create(
          {
            storeId: name,
            engine: spec.engine,
            plan: spec.plan,
            ...(spec.chartVersion ? { chartVersion: spec.chartVersion } : {}),
            resourceNamespace: namespace,
          },
          { owner, keyId: `Store ${namespace}/${name}`, admin: false },
        );
        await setSynced(object, 'Synced', `store workflow ${storeWorkflowId(name)} started for owner ${owner}`, true);
        return false;
      }
      case 'change':
        await stores.changeRelease(name, by, {
          ...(action.plan ? { plan: action.plan } : {}),
          ...(action.chartVersion ? { chartVersion: action.chartVersion } : {}),
        });
        await setSynced(object, 'Synced', 'the change was handed to the store', true);
        return false;
    }
  }

  async function reconcile(object: StoreObject): Promise<LookAgain> {
    const action = storeObjectAction(object, await workflowOf(object));
    try {
      return (await act(object, action)) ? 'later' : 'no';
    } catch (error) {
      // A refusal by the API's rules is the object's condition; anything else is retried later.
      if (!(error instanceof ApiError) || action.kind === 'delete' || action.kind === 'release') throw error;
      const reason = reasonOf(error);
      await setSynced(object, reason, error.message, false);
      return reason === 'CreationPaused' ? 'whenCreationResumes' : 'later';
    }
  }

  /** Whether store creation is paused now (read at most every 2 s per process, as creates read it). */
  const creationPaused = async () => (await stores.creationPause.state()).paused;

  return { reconcile, creationPaused, objects, closeQuotaLeases: stores.closeQuotaLeases };
}

/** The Store objects of every namespace, as an informer lists and watches them. */
export function storeInformer(kubeConfig: KubeConfig, objects: CustomObjectsApi) {
  return makeInformer<StoreObject & { apiVersion?: string; kind?: string }>(
    kubeConfig,
    `/apis/${storeGroup}/${storeVersion}/${storePlural}`,
    () =>
      objects.listClusterCustomObject({ group: storeGroup, version: storeVersion, plural: storePlural }) as Promise<
        KubernetesListObject<StoreObject & { apiVersion?: string; kind?: string }>
      >,
  );
}
