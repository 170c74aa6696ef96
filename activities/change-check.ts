// Whether a plan change or chart upgrade of a store may start: the chart version exists, and what the
// store uses now fits the new plan's quota (a quota below the usage would block every new pod).
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { plans, type Plan } from '../core/plans.js';
import { parseQuantity } from '../core/quantity.js';
import type { StoreSpec } from '../core/store-spec.js';
import type { ActivityDeps } from './deps.js';
import { chartOf } from './helm-cli.js';
import { createUsageActivities } from './usage.js';
import type { ChangeTarget, QuotaLine } from '../core/reads.js';

/** One line per resource whose current use exceeds what `plan` allows, e.g. `requests.memory: 5Gi in use, plan small allows 4Gi`. */
export function usageOverPlan(quota: QuotaLine[], plan: Plan): string[] {
  const hard = plans[plan].quota;
  return quota.flatMap((line) => {
    const allowed = hard[line.resource];
    const used = parseQuantity(line.used);
    const limit = allowed === undefined ? undefined : parseQuantity(allowed);
    return used !== undefined && limit !== undefined && used > limit
      ? [`${line.resource}: ${line.used} in use, plan ${plan} allows ${allowed}`]
      : [];
  });
}

export function createChangeCheckActivities(deps: ActivityDeps) {
  const usageReads = createUsageActivities(deps);
  return {
    /** `chartFound` false: the chart version does not exist, so the target cannot even be rendered. */
    async checkChange(spec: StoreSpec, target: ChangeTarget): Promise<{ problems: string[]; chartFound: boolean }> {
      const problems: string[] = [];
      let chartFound = true;
      if (target.chartVersion !== undefined) {
        try {
          chartOf(deps.chartsDir, spec.engine, target.chartVersion);
        } catch (error) {
          if (!(error instanceof ApplicationFailure && error.type === failureTypes.ChartVersionNotFound)) throw error;
          problems.push(error.message);
          chartFound = false;
        }
      }
      if (target.plan !== undefined && target.plan !== spec.plan) {
        const usage = await usageReads.readStoreUsage(spec.storeId);
        problems.push(...usageOverPlan(usage.quota, target.plan));
      }
      return { problems, chartFound };
    },
  };
}
