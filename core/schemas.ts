// The zod schemas of core's rules, for the API's request validation and its OpenAPI document. Kept
// apart from the modules workflows import, so zod stays out of the workflow bundle (core/store-spec.ts).
import { z } from 'zod';
import { planNames } from './plans.js';
import { chartVersionRule, engines, ownerRule, storeIdRule, textProblems, type TextRule } from './store-spec.js';

/** A string checked by `rule`, documented with its limits and pattern. */
function ruled(rule: TextRule) {
  return z
    .string()
    .superRefine((value, ctx) => {
      for (const message of textProblems(rule, value)) ctx.addIssue({ code: 'custom', message });
    })
    .meta({
      ...(rule.minLength === undefined ? {} : { minLength: rule.minLength }),
      maxLength: rule.maxLength,
      pattern: rule.pattern.source,
    });
}

export const storeIdSchema = ruled(storeIdRule);
export const ownerSchema = ruled(ownerRule);
export const chartVersionSchema = ruled(chartVersionRule);

/** What a caller asks of a fleet upgrade; left-out settings take the defaults of fleetUpgradeSpec (core/fleet.ts). */
export const fleetUpgradeRequestSchema = z.strictObject({
  engine: z.enum(engines),
  chartVersion: chartVersionSchema,
  waveSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'stores upgraded at once, per wave (default 5)' }),
  maxFailures: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'a wave with more failed stores than this stops the upgrade (default 0)' }),
  pauseBetweenWavesSeconds: z.number().int().min(0).max(86_400).optional().meta({ description: 'default 0' }),
  selector: z
    .strictObject({
      owner: ownerSchema.optional(),
      plan: z.enum(planNames).optional(),
      storeIds: z.array(storeIdSchema).min(1).max(1000).optional(),
    })
    .optional()
    .meta({
      description: 'which running stores of the engine to upgrade (all of them when left out); the parts are ANDed',
    }),
});
export type FleetUpgradeRequest = z.infer<typeof fleetUpgradeRequestSchema>;
