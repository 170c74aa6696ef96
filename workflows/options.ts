// Retry and metric settings shared by the store and cleanup workflows.
import type { Priority, RetryPolicy } from '@temporalio/common';
import { metricMeter } from '@temporalio/workflow';
import { nonRetryableFailureTypes } from '../core/failures.js';

/** Backoff with a bounded budget; failures that a retry cannot fix stop at once. */
export const activityRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: nonRetryableFailureTypes,
};

/**
 * Provisioning's steps share the helm task queue's MAX_CONCURRENT_PROVISIONS slots, each later step of a
 * store ahead of the earlier steps of the stores behind it (a lower key goes first): a burst goes through
 * in the order it was asked for, as an operator's script running N stores at a time would, instead of
 * every store doing its quick steps first and all waiting for helm together. Dispatch follows priority
 * only within a task queue partition; with one partition (the dev server's setting here) it is FIFO too.
 */
export const provisioningPriority = {
  ensureNamespace: { priorityKey: 5 },
  applyGuardrails: { priorityKey: 4 },
  ensureAdminSecret: { priorityKey: 3 },
  helmUpgradeInstall: { priorityKey: 2 },
  waitForReady: { priorityKey: 1 },
} as const satisfies Record<string, Priority>;

// Emitted through the worker's Temporal runtime (one Prometheus endpoint); suppressed during replay.
export const storeMetrics = {
  created: () => metricMeter.createCounter('storefleet_stores_created_total', '', 'Stores created'),
  failures: () =>
    metricMeter.createCounter(
      'storefleet_store_failures_total',
      '',
      'Provisioning attempts that ended Failed, by reason',
    ),
  deletions: () => metricMeter.createCounter('storefleet_store_deletions_total', '', 'Stores deleted'),
  checksFailed: () =>
    metricMeter.createCounter(
      'storefleet_store_checks_failed_total',
      '',
      'Periodic checks of Ready stores that found something wrong (or could not look), by reason',
    ),
  provisioningSeconds: () =>
    metricMeter.createHistogram(
      'storefleet_store_provisioning_seconds',
      'float',
      's',
      'Time from the start of a provisioning attempt to Ready',
    ),
};
