// What visibility knows of stores, without a worker: one store's record, a page of them, counts by
// phase; and a store's live status when its workflow answers in time. Who may see what is decided
// here: an owner sees only its own stores, an admin sees all (others' stores are "not found").
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { statusQuery } from '../core/messages.js';
import { storeIdOfWorkflow, storeWorkflowId } from '../core/names.js';
import { StoreEngine, StoreId, StoreOwner, StorePhase, StorePlan } from '../core/search-attributes.js';
import type { StoreStatus } from '../core/status.js';
import { readModelMemoKey, type StoreReadModel } from '../core/store-read-model.js';
import { ApiError } from './errors.js';
import { expiringValues } from './expiring-values.js';
import type { Requester } from './history-timeline.js';
import type { PageTokens } from './page-token.js';
import { temporalCall } from './temporal-errors.js';
import { storeAttributesOf, timestampToDate } from './visibility-fields.js';

export interface Caller extends Requester {
  admin: boolean;
}

/** What visibility knows of a store without asking its workflow. */
export interface StoreRecord {
  storeId: string;
  engine: string;
  plan: string;
  owner: string;
  phase: string;
  createdAt?: string;
  running: boolean;
  /** The workflow ended without deleting the store (terminated, failed, timed out): its objects may remain. */
  ended?: string;
  /** The namespace of the Store object that declared the store, if one did. */
  resourceNamespace?: string;
  /** Where the store answers, from the workflow's read model. */
  url?: string;
}

export type StoreView =
  { live: true; record: StoreRecord; status: StoreStatus } | { live: false; record: StoreRecord; detail: string };

/** A store as GET shows it: the workflow's read model (no timeline), or the record with why not. */
export type StoreReadView =
  { live: true; record: StoreRecord; status: StoreReadModel } | { live: false; record: StoreRecord; detail: string };

export interface StoreListFilter {
  phase?: string;
  engine?: string;
  owner?: string;
  limit: number;
  pageToken?: string;
}

export const storeKeys = { StoreEngine, StorePlan, StorePhase, StoreOwner, StoreId };

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;
const storeNotFound = (storeId: string) => new ApiError(404, 'store_not_found', `store ${storeId} not found`);

function recordOf(
  storeId: string,
  attributes: TypedSearchAttributes,
  startTime: Date | undefined,
  running: boolean,
  ended?: string,
  model?: StoreReadModel,
): StoreRecord {
  const attribute = (key: (typeof storeKeys)[keyof typeof storeKeys]) => attributes.get(key) ?? '';
  return {
    storeId,
    engine: attribute(storeKeys.StoreEngine),
    plan: attribute(storeKeys.StorePlan),
    owner: attribute(storeKeys.StoreOwner),
    phase: attribute(storeKeys.StorePhase) || 'Provisioning',
    ...(startTime ? { createdAt: startTime.toISOString() } : {}),
    running,
    ...(ended ? { ended } : {}),
    ...(model?.url ? { url: model.url } : {}),
  };
}

/** The record of a described store workflow; `ended` says how a workflow that did not delete its store stopped. */
export function describedRecord(storeId: string, d: WorkflowExecutionDescription): StoreRecord {
  const status = d.status.name;
  const ended = status === 'RUNNING' || status === 'COMPLETED' ? undefined : status.toLowerCase().replace('_', ' ');
  const resourceNamespace = d.memo?.resourceNamespace;
  return {
    ...recordOf(
      storeId,
      d.typedSearchAttributes,
      d.startTime,
      status === 'RUNNING',
      ended,
      d.memo?.[readModelMemoKey] as StoreReadModel | undefined,
    ),
    ...(typeof resourceNamespace === 'string' ? { resourceNamespace } : {}),
  };
}

/** Whose stores a caller may look at: its own, or any owner's (all when none is named) for an admin. */
export function ownerScope(caller: Caller, requested: string | undefined): string | undefined {
  if (requested && !caller.admin && requested !== caller.owner)
    throw new ApiError(403, 'forbidden', 'only an admin key may see the stores of another owner');
  return caller.admin ? requested : caller.owner;
}

/** The visibility query of a store list: the filter's phase and engine, within `owner`'s stores if one is given. */
export function storeListQuery(filter: Pick<StoreListFilter, 'phase' | 'engine'>, owner: string | undefined): string {
  const clauses = [
    "WorkflowType = 'storeWorkflow'",
    filter.phase === 'Deleted' ? "ExecutionStatus = 'Completed'" : "ExecutionStatus = 'Running'",
  ];
  if (owner) clauses.push(`StoreOwner = ${quote(owner)}`);
  if (filter.phase) clauses.push(`StorePhase = ${quote(filter.phase)}`);
  if (filter.engine) clauses.push(`StoreEngine = ${quote(filter.engine)}`);
  return clauses.join(' AND ');
}

/**
 * How old a page of the store list may be when it is answered (its read began at most this long ago), or
 * more only while the read refreshing it, begun within this time, still runs.
 */
export const listPageFreshMs = 1000;

export function createStoreRecords(options: {
  client: Client;
  /** Describes a store's workflow by id (api/coalesced-reads.ts: shared by concurrent readers). */
  describeStore: (workflowId: string) => Promise<WorkflowExecutionDescription>;
  queryTimeoutMs: number;
  pageTokens: PageTokens;
}) {
  const { client } = options;

  /** The read model in a listed workflow's memo, if it has one. */
  const readModelIn = (fields: Record<string, proto.temporal.api.common.v1.IPayload> | null | undefined) => {
    const payload = fields?.[readModelMemoKey];
    return payload
      ? client.options.loadedDataConverter.payloadConverter.fromPayload<StoreReadModel>(payload)
      : undefined;
  };

  /** The store's workflow described, and its record, if the caller may see it. */
  async function describe(storeId: string, caller: Caller) {
    const description = await temporalCall(
      () => options.describeStore(storeWorkflowId(storeId)),
      () => storeNotFound(storeId),
    );
    if (description.type !== 'storeWorkflow') throw storeNotFound(storeId);
    const record = describedRecord(storeId, description);
    if (!caller.admin && record.owner !== caller.owner) throw storeNotFound(storeId);
    return { record, memo: description.memo };
  }

  /** The store as visibility knows it, if the caller may see it. */
  async function find(storeId: string, caller: Caller): Promise<StoreRecord> {
    return (await describe(storeId, caller)).record;
  }

  /**
   * The store for GET: the read model its workflow keeps in its memo, from the same describe that finds
   * it, so no worker is needed. A workflow from before the read model is asked as `view` asks it.
   */
  async function read(storeId: string, caller: Caller): Promise<StoreReadView> {
    const { record, memo } = await describe(storeId, caller);
    const model = memo?.[readModelMemoKey] as StoreReadModel | undefined;
    if (model && !record.ended) return { live: true, record, status: model };
    return view(storeId, caller);
  }

  /** Live status from the workflow, or the visibility record when no worker answers in time. */
  async function view(storeId: string, caller: Caller): Promise<StoreView> {
    const record = await find(storeId, caller);
    if (record.ended) {
      return {
        live: false,
        record,
        detail: `the store workflow was ${record.ended} before the store was deleted; its namespace and release may remain: DELETE removes them`,
      };
    }
    const handle = client.workflow.getHandle(storeWorkflowId(storeId));
    try {
      const status = await client.connection.withDeadline(Date.now() + options.queryTimeoutMs, () =>
        handle.query(statusQuery),
      );
      return { live: true, record, status };
    } catch {
      return {
        live: false,
        record,
        detail: `live detail unavailable: no worker answered within ${options.queryTimeoutMs} ms; phase is from the search attributes`,
      };
    }
  }

  // A page of the list (query, size and token) is read from visibility at most once a second per
  // process however many dashboards ask, and read again in the background from half a second on; the
  // kept page answers until that read lands, so a page asked for often never waits, even while
  // visibility takes longer than half a second to answer. Visibility is eventually consistent anyway
  // (with Elasticsearch about a second behind), and a store this process creates or deletes drops every
  // kept page.
  const listPages = expiringValues(
    async (key) => {
      const { query, pageSize, token } = JSON.parse(key) as { query: string; pageSize: number; token?: string };
      const page = await temporalCall(() =>
        client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize,
          ...(token ? { nextPageToken: Buffer.from(token, 'base64') } : {}),
        }),
      );
      const records = (page.executions ?? []).map((execution) =>
        recordOf(
          storeIdOfWorkflow(execution.execution?.workflowId ?? '') ?? '',
          storeAttributesOf(execution.searchAttributes?.indexedFields),
          timestampToDate(execution.startTime),
          execution.status === proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
          undefined,
          readModelIn(execution.memo?.fields),
        ),
      );
      const next = page.nextPageToken?.length ? await options.pageTokens.encode(query, page.nextPageToken) : undefined;
      return { records, nextPageToken: next };
    },
    { maxAgeMs: listPageFreshMs, refreshAfterMs: listPageFreshMs / 2, answerWhileRefreshing: true },
  );

  async function list(
    filter: StoreListFilter,
    caller: Caller,
  ): Promise<{ records: StoreRecord[]; nextPageToken: string | undefined }> {
    const query = storeListQuery(filter, ownerScope(caller, filter.owner));
    const nextPageToken = filter.pageToken ? await options.pageTokens.decode(query, filter.pageToken) : undefined;
    return listPages.get(
      JSON.stringify({
        query,
        pageSize: filter.limit,
        ...(nextPageToken ? { token: Buffer.from(nextPageToken).toString('base64') } : {}),
      }),
    );
  }

  async function countStores(engine: string, phase: string): Promise<number> {
    const status = phase === 'Deleted' ? 'Completed' : 'Running';
    return (
      await client.workflow.count(
        `WorkflowType = 'storeWorkflow' AND ExecutionStatus = ${quote(status)} AND StoreEngine = ${quote(engine)} AND StorePhase = ${quote(phase)}`,
      )
    ).count;
  }

  return { find, view, read, list, countStores, forgetLists: listPages.forget };
}

export type StoreRecords = ReturnType<typeof createStoreRecords>;
