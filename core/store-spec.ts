// What a store is: the validated input of a store workflow and of POST /stores.
import { z } from 'zod';
import { planNames } from './plans.js';

export const engines = ['woocommerce', 'medusa'] as const;
export type Engine = (typeof engines)[number];

// DNS-1123 label of 3-40 chars, so `store-<id>`, `<engine>-<id>` and `<release>-<component>` names all
// stay inside Kubernetes' 63 and Helm's 53 character limits.
export const storeIdSchema = z
  .string()
  .min(3, 'storeId must be at least 3 characters')
  .max(40, 'storeId must be at most 40 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'storeId must be lowercase letters, digits and "-", starting and ending with a letter or digit')
  // store-<x>-cleanup is the workflow id of store x's cleanup: a store named "x-cleanup" would collide.
  .refine((id) => !id.endsWith('-cleanup'), 'storeId must not end in "-cleanup" (reserved for cleanup workflows)');

// Owners end up in a label value: at most 63 chars of [A-Za-z0-9_.-], alphanumeric at both ends.
export const ownerSchema = z
  .string()
  .max(63, 'owner must be at most 63 characters')
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'owner must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit');

// A chart version as Chart.yaml and `helm package` write it (SemVer 2).
export const chartVersionSchema = z
  .string()
  .max(64, 'chartVersion must be at most 64 characters')
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, 'chartVersion must be a SemVer version such as 0.2.0');

export const storeSpecSchema = z.object({
  storeId: storeIdSchema,
  engine: z.enum(engines),
  plan: z.enum(planNames).default('small'),
  owner: ownerSchema.default('default'),
  /** Unset: the chart the worker ships; the store then keeps the version it was first deployed with. */
  chartVersion: chartVersionSchema.optional(),
});

export type StoreSpec = z.infer<typeof storeSpecSchema>;
export type StoreSpecInput = z.input<typeof storeSpecSchema>;

/** One line per problem, e.g. `storeId: must be at least 3 characters`, for errors people read. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
