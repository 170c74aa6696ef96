// What a read of one store needs (GET /stores/:id): its status without the timeline. The store workflow
// publishes it in its memo whenever the status changes, so the API answers from one describe, which
// needs no worker; the timeline keeps its own path (the status query).
import type { StoreStatus } from './status.js';

export const readModelMemoKey = 'store';

export type StoreReadModel = Omit<StoreStatus, 'events'>;

export function readModelOf(status: StoreStatus): StoreReadModel {
  const { events: _timeline, ...model } = status;
  return model;
}
