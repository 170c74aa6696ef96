// The API's request and response shapes: one zod schema each, used to validate requests and to
// generate /openapi.json, so the document cannot drift from the code.
import { z } from 'zod';
import { creationPauseReasonMax } from '../core/creation-pause.js';
import { planNames } from '../core/plans.js';
import { fleetStoreResults, fleetUpgradeStates } from '../core/fleet.js';
import { conditionTypes, phases } from '../core/status.js';
import { chartVersionSchema, fleetUpgradeRequestSchema, ownerSchema, storeIdSchema } from '../core/schemas.js';
import { engines } from '../core/store-spec.js';

export const createStoreBody = z
  .strictObject({
    storeId: storeIdSchema,
    engine: z.enum(engines),
    plan: z.enum(planNames).optional(),
  })
  .meta({ id: 'CreateStore', description: 'A new store. plan defaults to small; the owner is the caller.' });

export const dryRunQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'true: answer what the request would do and whether it fits, and change nothing' }),
});

export const changeStoreBody = z
  .strictObject({
    plan: z.enum(planNames).optional(),
    chartVersion: chartVersionSchema
      .optional()
      .meta({ description: "a version of the store's chart that the worker's charts directory holds" }),
  })
  .refine((change) => change.plan !== undefined || change.chartVersion !== undefined, {
    message: 'give plan, chartVersion or both',
  })
  .meta({
    id: 'ChangeStore',
    minProperties: 1,
    description:
      'A plan change, a chart upgrade, or both: applied to a Ready store, rolled back if the new release does not get ready.',
  });

export const listStoresQuery = z.strictObject({
  phase: z.enum(Object.keys(phases) as [keyof typeof phases, ...Array<keyof typeof phases>]).optional(),
  engine: z.enum(engines).optional(),
  owner: ownerSchema.optional().meta({ description: 'Admin keys only: the stores of this owner.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // Its shape is checked with its signature (400 invalid_page_token): a well-formed token proves nothing.
  pageToken: z
    .string()
    .max(4096)
    .optional()
    .meta({ description: 'nextPageToken of the previous page, with the same filters.' }),
});

export const storeIdParams = z.strictObject({ id: storeIdSchema });

const event = z
  .object({
    time: z.string(),
    type: z.enum(['Normal', 'Warning']),
    reason: z.string(),
    message: z.string(),
  })
  .meta({ id: 'StoreEvent' });

const condition = z
  .object({
    type: z.enum(Object.keys(conditionTypes) as [string, ...string[]]),
    status: z.enum(['True', 'False', 'Unknown']),
    reason: z.string(),
    message: z.string(),
    lastTransitionTime: z.string(),
  })
  .meta({ id: 'Condition' });

const links = z.object({
  self: z.string(),
  events: z.string(),
  history: z.string(),
  usage: z.string(),
  stream: z.string(),
  temporalUi: z.string(),
});

const phase = z.enum(Object.keys(phases) as [string, ...string[]]);

const release = z.object({ plan: z.string(), chartVersion: z.string().optional() });
const lastChange = z
  .object({
    requestedBy: z.string(),
    from: release.extend({ revision: z.number().int().optional() }),
    to: release,
    result: z.enum(['Upgrading', 'Upgraded', 'RolledBack', 'Failed']).meta({
      description:
        'Upgraded: the store runs `to`; RolledBack: the upgrade failed and the store runs `from` again, Ready; Failed: the rollback failed too',
    }),
    revision: z
      .number()
      .int()
      .optional()
      .meta({ description: 'the Helm release revision the store runs after the change' }),
    message: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'StoreChangeOutcome' });

export const orderCheck = z
  .object({
    ok: z
      .boolean()
      .meta({ description: 'every step succeeded: the order was placed, seen in the admin and cancelled' }),
    orderId: z.string().optional().meta({ description: 'the order the check placed, once it got that far' }),
    steps: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })).meta({
      description:
        'in the order they ran; the first failure ends the check (the cancel still runs once an order exists)',
    }),
    requestedBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .meta({ id: 'OrderCheck' });

export const orderCheckResponse = orderCheck.extend({ storeId: z.string() }).meta({ id: 'OrderCheckResult' });

export const storeSummary = z
  .object({
    storeId: z.string(),
    engine: z.string(),
    plan: z.string(),
    owner: z.string(),
    phase,
    createdAt: z.string().optional(),
    url: z.string().optional().meta({ description: 'where the store answers, once it has been Ready' }),
    links,
  })
  .meta({ id: 'StoreSummary' });

export const storeResponse = storeSummary
  .extend({
    live: z.boolean().meta({
      description:
        "true: the status the store's workflow published (its read model); false: only the search attributes (the workflow was terminated, or is from before the read model and no worker answered), with `detail` saying why",
    }),
    detail: z.string().optional(),
    conditions: z.array(condition),
    url: z.string().optional(),
    adminUrl: z.string().optional(),
    adminSecret: z.object({ name: z.string(), namespace: z.string() }),
    lastError: z.string().optional(),
    chartVersion: z.string().optional().meta({ description: 'the chart version deployed' }),
    revision: z.number().int().optional().meta({ description: 'the Helm release revision deployed' }),
    lastChange: lastChange.optional(),
    lastOrderCheck: orderCheck.optional(),
    attempts: z.number().int().optional(),
    updatedAt: z.string().optional(),
    readyAt: z.string().optional(),
    deletedAt: z.string().optional(),
  })
  .meta({ id: 'Store' });

export const storeListResponse = z
  .object({ stores: z.array(storeSummary), nextPageToken: z.string().optional() })
  .meta({ id: 'StoreList' });

export const eventsResponse = z
  .object({ storeId: z.string(), live: z.boolean(), detail: z.string().optional(), events: z.array(event) })
  .meta({ id: 'StoreEvents' });

const timelineEntry = z
  .object({
    time: z.string(),
    kind: z.enum(['requested', 'phase', 'step', 'signal', 'update', 'run']),
    title: z.string(),
    by: z
      .string()
      .optional()
      .meta({ description: 'owner and key id through the API, else the Temporal client identity' }),
    endedAt: z.string().optional(),
    outcome: z.enum(['running', 'completed', 'failed', 'timed out', 'canceled']).optional(),
    attempts: z.number().int().optional(),
    retryCause: z.string().optional().meta({ description: 'the failure that made the last attempt a retry' }),
    error: z.string().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'TimelineEntry' });

export const historyResponse = z
  .object({
    storeId: z.string(),
    runs: z
      .number()
      .int()
      .meta({ description: 'workflow runs read (a store continues as new when its history grows)' }),
    truncated: z.boolean().meta({ description: 'true when older runs were left out; the Temporal UI has them' }),
    timeline: z.array(timelineEntry),
  })
  .meta({ id: 'StoreHistory' });

export const fleetUsageQuery = z.strictObject({
  owner: ownerSchema
    .optional()
    .meta({ description: 'Admin keys only: the stores of this owner (all owners when left out).' }),
});

const quotaLine = z
  .object({
    resource: z.string(),
    used: z.string(),
    hard: z.string(),
    usedFraction: z.number().optional().meta({ description: 'used / hard' }),
  })
  .meta({ id: 'QuotaLine' });

export const storeUsageResponse = z
  .object({
    storeId: z.string(),
    plan: z.string(),
    phase,
    createdAt: z.string().optional(),
    ageSeconds: z.number().int().optional(),
    found: z.boolean().meta({ description: 'false while the namespace or its quota does not exist' }),
    quota: z.array(quotaLine),
    volumes: z.array(
      z.object({ name: z.string(), requested: z.string(), capacity: z.string().optional(), phase: z.string() }),
    ),
  })
  .meta({ id: 'StoreUsage' });

export const fleetUsageResponse = z
  .object({
    stores: z.array(z.object({ storeId: z.string(), plan: z.string(), owner: z.string(), quota: z.array(quotaLine) })),
    totals: z
      .array(
        z.object({ resource: z.string(), used: z.number(), hard: z.number(), usedFraction: z.number().optional() }),
      )
      .meta({
        description: 'per resource, summed over the stores: cores for cpu, bytes for memory and storage, else counts',
      }),
  })
  .meta({ id: 'FleetUsage' });

const plannedChanges = z.object({
  namespace: z.string(),
  objects: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      source: z.enum(['storefleet', 'chart']),
      action: z.enum(['create', 'update']),
    }),
  ),
  resources: z
    .array(z.object({ resource: z.string(), requested: z.number(), quota: z.number(), fits: z.boolean() }))
    .meta({
      description:
        "what the chart's pods and volumes ask of the plan's quota: cores for cpu, bytes for memory and storage, else counts",
    }),
  fits: z.boolean(),
  problems: z.array(z.string()),
});

export const dryRunResponse = plannedChanges
  .extend({
    dryRun: z.literal(true),
    storeId: z.string(),
    engine: z.string(),
    plan: z.string(),
    owner: z.string(),
    existingPhase: phase
      .optional()
      .meta({ description: 'the store exists already (same spec): a create would change nothing' }),
  })
  .meta({ id: 'DryRun' });

export const changeDryRunResponse = plannedChanges
  .extend({
    dryRun: z.literal(true),
    storeId: z.string(),
    engine: z.string(),
    phase,
    from: release,
    to: release,
  })
  .meta({
    id: 'ChangeDryRun',
    description:
      'What the change would apply, and problems that would make the store refuse it (the chart version, the usage against the new plan).',
  });

export const fleetUpgradeBody = fleetUpgradeRequestSchema.meta({
  id: 'FleetUpgradeRequest',
  description:
    'Upgrade the chart of the running stores of an engine, wave by wave; an owner key upgrades only its own stores.',
});
export const fleetUpgradeParams = z.strictObject({
  upgradeId: z.string().regex(/^[0-9a-f]{8}$/, 'a fleet upgrade id is 8 hex digits'),
});

const fleetUpgradeLinks = z.object({ self: z.string(), pause: z.string(), resume: z.string(), cancel: z.string() });

export const fleetUpgradeResponse = z
  .object({
    id: z.string(),
    spec: fleetUpgradeRequestSchema.extend({
      waveSize: z.number().int(),
      maxFailures: z.number().int(),
      pauseBetweenWavesSeconds: z.number().int(),
      requestedBy: z.string(),
    }),
    state: z.enum(fleetUpgradeStates).meta({
      description:
        'Running, Paused (before the next wave), Completed, Stopped (a wave had more failures than maxFailures) or Cancelled',
    }),
    reason: z.string().optional(),
    waves: z.array(
      z.object({
        number: z.number().int(),
        state: z.enum(['Pending', 'Running', 'Done', 'Skipped']),
        failures: z.number().int(),
        stores: z.array(
          z.object({
            storeId: z.string(),
            result: z.enum(fleetStoreResults),
            chartVersion: z
              .string()
              .optional()
              .meta({ description: 'the chart version the store runs (at the end: its final one)' }),
            revision: z.number().int().optional(),
            message: z.string().optional(),
          }),
        ),
      }),
    ),
    startedAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().optional(),
    links: fleetUpgradeLinks,
  })
  .meta({ id: 'FleetUpgrade' });

export const fleetUpgradeAccepted = z
  .object({ id: z.string(), message: z.string(), links: fleetUpgradeLinks })
  .meta({ id: 'FleetUpgradeAccepted' });

export const fleetUpgradeList = z
  .object({
    upgrades: z.array(
      z.object({ id: z.string(), running: z.boolean(), startedAt: z.string(), links: fleetUpgradeLinks }),
    ),
  })
  .meta({ id: 'FleetUpgradeList' });

export const creationPauseBody = z
  .strictObject({
    reason: z
      .string()
      .min(1)
      .max(creationPauseReasonMax)
      .regex(/\S/, 'the reason must not be only blanks')
      .meta({ description: 'why: shown to everyone whose create is refused, and on the dashboard' }),
  })
  .meta({
    id: 'CreationPauseRequest',
    description: 'Pause the creation of new stores; pausing again replaces the reason.',
  });

export const creationPauseResponse = z
  .object({
    paused: z.boolean(),
    reason: z.string().optional(),
    pausedBy: z.string().optional().meta({ description: 'the id of the admin key that paused (never the key)' }),
    pausedAt: z.string().optional().meta({ description: 'since when (ISO 8601); a second pause keeps the first time' }),
  })
  .meta({
    id: 'CreationPause',
    description: 'Whether new stores are refused (503 creation_paused); reason, pausedBy and pausedAt while paused.',
  });

export const acceptedResponse = z
  .object({ storeId: z.string(), phase, message: z.string(), links })
  .meta({ id: 'Accepted' });

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    temporal: z.enum(['reachable', 'unreachable', 'failing']).optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'Health' });

export type StoreResponse = z.infer<typeof storeResponse>;
export type StoreSummary = z.infer<typeof storeSummary>;
export type StoreUsageResponse = z.infer<typeof storeUsageResponse>;
export type ErrorBody = z.infer<typeof errorResponse>;
