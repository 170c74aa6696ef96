// Signals, queries and updates of the store workflows, defined once for the workflows and every client.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Plan } from './plans.js';
import type { OrderCheck, StoreEvent, StoreStatus } from './status.js';

export const retrySignal = defineSignal('retry');
export const deleteSignal = defineSignal('delete');
/** Like the delete signal, but the caller learns at once whether the request was accepted. */
export const deleteUpdate = defineUpdate<StoreStatus>('delete');
export const statusQuery = defineQuery<StoreStatus>('status');

/** Who asked for a change; the workflow puts it in the store's events (never a key, only its id). */
export interface ChangeRequest {
  by: string;
}
/** Ready -> Hibernated: workloads scaled to zero, data kept. Refused (validator) unless Ready. */
export const hibernateUpdate = defineUpdate<StoreStatus, [ChangeRequest]>('hibernate');
/** Hibernated -> Ready: replicas restored, then readiness. Refused (validator) unless Hibernated. */
export const wakeUpdate = defineUpdate<StoreStatus, [ChangeRequest]>('wake');

/**
 * Places an order through the store's URL as a shopper would, verifies it through the admin API with the
 * store's credentials, then cancels it. Refused (validator) unless Ready with no other request pending or
 * check running; the answer and the condition OrderFlow say how each step went.
 */
/** How long one order check may take (the workflow's activity timeout); clients wait a little longer. */
export const ORDER_CHECK_TIMEOUT_SECONDS = 180;
export const checkOrderUpdate = defineUpdate<OrderCheck, [ChangeRequest]>('checkOrder');

/** A plan change or chart upgrade of one store; at least one of plan and chartVersion. */
export interface StoreChange extends ChangeRequest {
  plan?: Plan;
  chartVersion?: string;
  /** A workflow (a fleet upgrade) to signal `storeChangeDone` with the outcome once the change ends. */
  notify?: string;
}
/**
 * Ready -> Upgrading -> Ready: guardrails resized, `helm upgrade`, readiness; on failure `helm rollback`.
 * Refused unless Ready (validator), or when the chart version does not exist or the store's current
 * usage does not fit the new plan (handler, which may read the cluster).
 */
export const changeUpdate = defineUpdate<StoreStatus, [StoreChange]>('change');

/**
 * An event for the store's timeline from elsewhere: the cleanup child reports its progress, activities
 * report a Kubernetes API outage. The wire name is older than that second use and stays, because
 * recorded histories and running workflows carry it.
 */
export const storeEventSignal = defineSignal<[StoreEvent]>('cleanupEvent');
