// Signals, queries and updates of the store workflows, defined once for the workflows and every client.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { StoreEvent, StoreStatus } from './status.js';

export const retrySignal = defineSignal('retry');
export const deleteSignal = defineSignal('delete');
/** Like the delete signal, but the caller learns at once whether the request was accepted. */
export const deleteUpdate = defineUpdate<StoreStatus>('delete');
export const statusQuery = defineQuery<StoreStatus>('status');

/** The cleanup child reports its progress to the store workflow, so the store's timeline shows it. */
export const cleanupEventSignal = defineSignal<[StoreEvent]>('cleanupEvent');
