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
 * Readiness waits go ahead of the default priority (3) on the helm task queue. Dispatch follows priority
 * only within a task queue partition; with one partition (the dev server's setting here) it is FIFO too.
 */
export const readinessPriority: Priority = { priorityKey: 1 };

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
  provisioningSeconds: () =>
    metricMeter.createHistogram(
      'storefleet_store_provisioning_seconds',
      'float',
      's',
      'Time from the start of a provisioning attempt to Ready',
    ),
};
