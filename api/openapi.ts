// /openapi.json, generated from the zod schemas the routes validate with (schemas.ts).
import { z } from 'zod';
import { storeIdSchema } from '../core/schemas.js';
import { fleetUpgradeAccepted, fleetUpgradeBody, fleetUpgradeList, fleetUpgradeResponse } from './schemas.js';
import {
  acceptedResponse,
  changeDryRunResponse,
  changeStoreBody,
  createStoreBody,
  creationPauseBody,
  creationPauseResponse,
  dryRunQuery,
  dryRunResponse,
  errorResponse,
  eventsResponse,
  healthResponse,
  historyResponse,
  listStoresQuery,
  orderCheckResponse,
  fleetUsageQuery,
  fleetUsageResponse,
  storeUsageResponse,
  storeListResponse,
  storeResponse,
  storeSummary,
} from './schemas.js';

const ref = (schema: z.ZodType) => ({
  $ref: `#/components/schemas/${(z.globalRegistry.get(schema) as { id: string }).id}`,
});
const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(schema) } },
});
const errorCodes: Record<string, string> = {
  '400': 'invalid JSON, or a field that breaks the schema (details name the fields)',
  '401': 'missing or unknown API key',
  '403': 'not allowed for this key, or the owner store quota is reached',
  '404': 'no such store (or not yours)',
  '405': 'method not allowed on this path',
  '409': 'conflicts with the store as it is',
  '413': 'body too large',
  '415': 'body is not JSON',
  '431': 'request line or headers too large (answered by the HTTP server, without a body)',
  '429': 'rate limited, or (event streams) too many open for this owner; see Retry-After',
  '503':
    'Temporal unreachable, or no worker answered in time (see Retry-After); a new store while creation is paused (creation_paused)',
  '500': 'unexpected error; X-Request-Id finds it in the log',
  '502': 'the worker could not read the cluster',
};
const errors = (...codes: string[]) =>
  Object.fromEntries(codes.map((code) => [code, json(errorResponse, errorCodes[code]!)]));
const common = ['401', '429', '500', '503'];
const { $schema: _idSchema, ...storeIdJsonSchema } = z.toJSONSchema(storeIdSchema);
const idParameter = { name: 'id', in: 'path', required: true, schema: storeIdJsonSchema, description: 'store id' };
const upgradeIdParameter = {
  name: 'upgradeId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[0-9a-f]{8}$' },
  description: 'fleet upgrade id',
};

function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { $schema: _unused, ...fieldSchema } = z.toJSONSchema(field as z.ZodType, { io: 'input' });
    return { name, in: 'query', required: false, schema: fieldSchema };
  });
}

export function openApiDocument(): object {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}` });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  const store = (op: object) => ({ tags: ['stores'], parameters: [idParameter], ...op });
  return {
    openapi: '3.1.0',
    info: {
      title: 'storefleet API',
      version: '1',
      description: 'Isolated e-commerce stores on Kubernetes. Every path also works without the /api/v1 prefix.',
    },
    servers: [{ url: '/api/v1' }],
    components: { schemas: components, securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    security: [{ apiKey: [] }],
    paths: {
      '/stores': {
        post: {
          tags: ['stores'],
          summary: 'Create a store (idempotent for the same spec); with dryRun=true, only say what it would do',
          parameters: queryParameters(dryRunQuery),
          requestBody: { required: true, content: { 'application/json': { schema: ref(createStoreBody) } } },
          responses: {
            '201': json(storeSummary, 'created'),
            '200': {
              description: 'the same store already exists, or (dryRun=true) the plan',
              content: { 'application/json': { schema: { oneOf: [ref(storeSummary), ref(dryRunResponse)] } } },
            },
            ...errors('400', '403', '409', '413', '415', '502', ...common),
          },
        },
        get: {
          tags: ['stores'],
          summary: 'List stores (newest first), filtered and paginated',
          description:
            'A page may be up to a second old (one read of each page a second serves every caller), or older by one visibility query while that page is being read again; a store created or deleted through the same API process is in its next page at once. GET /stores/{id} is never older than the request.',
          parameters: queryParameters(listStoresQuery),
          responses: {
            '200': json(storeListResponse, 'a page of stores'),
            ...errors('400', '403', ...common),
            '431': { description: errorCodes['431'] },
          },
        },
      },
      '/stores/{id}': {
        get: store({
          summary: 'A store: phase, conditions, urls, last error',
          responses: { '200': json(storeResponse, 'the store'), ...errors('400', '404', ...common) },
        }),
        patch: store({
          summary:
            'Change the plan or upgrade the chart of a Ready store (phase Upgrading); a release that does not get ready is rolled back. With dryRun=true, only say what it would apply',
          parameters: [idParameter, ...queryParameters(dryRunQuery)],
          requestBody: { required: true, content: { 'application/json': { schema: ref(changeStoreBody) } } },
          responses: {
            '202': json(
              acceptedResponse,
              'the change was accepted: the store is Upgrading; GET it to follow (lastChange)',
            ),
            '200': json(changeDryRunResponse, '(dryRun=true) what the change would apply, and its problems'),
            ...errors('400', '404', '409', '413', '415', '502', ...common),
          },
        }),
        delete: store({
          summary: 'Delete a store (idempotent)',
          responses: { '202': json(acceptedResponse, 'deletion requested'), ...errors('400', '404', ...common) },
        }),
      },
      '/stores/{id}/events': {
        get: store({
          summary: "The store's event timeline",
          responses: { '200': json(eventsResponse, 'events, oldest first'), ...errors('400', '404', ...common) },
        }),
      },
      '/stores/{id}/hibernate': {
        post: store({
          summary: 'Hibernate a Ready store: its workloads scale to zero, its data stays (phase Hibernated)',
          responses: {
            '202': json(acceptedResponse, 'hibernation requested'),
            ...errors('400', '404', '409', ...common),
          },
        }),
      },
      '/stores/{id}/wake': {
        post: store({
          summary: 'Wake a Hibernated store: replicas come back and it is Ready once its workloads are',
          responses: { '202': json(acceptedResponse, 'wake-up requested'), ...errors('400', '404', '409', ...common) },
        }),
      },
      '/stores/{id}/checks/order': {
        post: store({
          summary:
            "Place an order through the store's URL as a shopper would (Medusa: manual payment; WooCommerce: Cash on Delivery), see it through the admin API with the store's credentials, then cancel it. Answers when done (seconds, at most about 3 minutes); the condition OrderFlow keeps the outcome",
          responses: {
            '200': json(
              orderCheckResponse,
              'the check ran: ok says whether every step succeeded, steps say how each went',
            ),
            ...errors('400', '404', '409', ...common),
          },
        }),
      },
      '/stores/{id}/history': {
        get: store({
          summary:
            'The audit trail: who asked, each step with its attempts and retry causes, phase changes, signals and updates',
          responses: { '200': json(historyResponse, 'the timeline, oldest first'), ...errors('400', '404', ...common) },
        }),
      },
      '/stores/{id}/usage': {
        get: store({
          summary:
            "What the store uses of its plan: the quota's used against hard per resource, its volumes, plan and age",
          responses: {
            '200': json(storeUsageResponse, 'the usage, read from the cluster by a worker'),
            ...errors('400', '404', '502', ...common),
          },
        }),
      },
      '/fleet/usage': {
        get: {
          tags: ['fleet'],
          summary: "Every store's quota use, and the totals per resource",
          parameters: queryParameters(fleetUsageQuery),
          responses: { '200': json(fleetUsageResponse, 'the fleet'), ...errors('400', '403', '502', ...common) },
        },
      },
      '/fleet/upgrades': {
        post: {
          tags: ['fleet'],
          summary:
            'Start a fleet upgrade: the matching stores move to chartVersion wave by wave; it stops when a wave has more than maxFailures failed stores',
          requestBody: { required: true, content: { 'application/json': { schema: ref(fleetUpgradeBody) } } },
          responses: { '202': json(fleetUpgradeAccepted, 'started'), ...errors('400', '403', '413', '415', ...common) },
        },
        get: {
          tags: ['fleet'],
          summary: 'Fleet upgrades, newest first',
          responses: { '200': json(fleetUpgradeList, 'the upgrades'), ...errors(...common) },
        },
      },
      '/fleet/upgrades/{upgradeId}': {
        get: {
          tags: ['fleet'],
          summary:
            "A fleet upgrade: its state, each wave, each store's result and the chart version and revision it runs",
          parameters: [upgradeIdParameter],
          responses: { '200': json(fleetUpgradeResponse, 'the upgrade'), ...errors('400', '404', '409', ...common) },
        },
      },
      ...Object.fromEntries(
        (['pause', 'resume', 'cancel'] as const).map((action) => [
          `/fleet/upgrades/{upgradeId}/${action}`,
          {
            post: {
              tags: ['fleet'],
              summary: `${action[0]!.toUpperCase()}${action.slice(1)} a fleet upgrade before its next wave (stores already upgrading finish their change)`,
              parameters: [upgradeIdParameter],
              responses: {
                '202': json(fleetUpgradeAccepted, `${action} requested`),
                ...errors('400', '404', '409', ...common),
              },
            },
          },
        ]),
      ),
      '/stores/{id}/stream': {
        get: store({
          summary:
            'Server-Sent Events: `phase` on every phase change, `event` for every new timeline entry; ends after Deleted',
          responses: {
            '200': { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...errors('400', '404', ...common),
          },
        }),
      },
      '/admin/creation-pause': {
        get: {
          tags: ['admin'],
          summary:
            'Whether the creation of new stores is paused, why, by which key and since when (every key may read it)',
          responses: { '200': json(creationPauseResponse, 'the pause'), ...errors(...common) },
        },
        post: {
          tags: ['admin'],
          summary:
            'Admin keys only: pause the creation of new stores for the whole platform (API and Store objects); every other operation keeps working',
          requestBody: { required: true, content: { 'application/json': { schema: ref(creationPauseBody) } } },
          responses: {
            '200': json(creationPauseResponse, 'paused'),
            ...errors('400', '403', '413', '415', ...common),
          },
        },
        delete: {
          tags: ['admin'],
          summary: 'Admin keys only: resume the creation of new stores',
          responses: { '200': json(creationPauseResponse, 'resumed'), ...errors('403', ...common) },
        },
      },
      '/stores/{id}/retry': {
        post: store({
          summary: 'Retry a Failed store',
          responses: { '202': json(acceptedResponse, 'retry requested'), ...errors('400', '404', '409', ...common) },
        }),
      },
    },
    'x-health': { '/healthz': ref(healthResponse), '/readyz': ref(healthResponse) },
  };
}
