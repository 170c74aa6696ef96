// What a store is: the validated input of a store workflow and of POST /stores. Plain checks without a
// schema library, which keep zod out of the workflow bundle (it cost about 0.9 MB of worker memory per
// store when the bundle's modules were still evaluated per workflow). The API's zod schemas
// (core/schemas.ts) run these same rules.
import { planNames, type Plan } from './plans.js';

export const engines = ['woocommerce', 'medusa'] as const;
export type Engine = (typeof engines)[number];

/** A text field's rules: the limits and pattern the API documents, and the messages people read. */
export interface TextRule {
  field: string;
  minLength?: number;
  maxLength: number;
  pattern: RegExp;
  patternMessage: string;
  /** A further check, once the text has passed the others. */
  refine?: (value: string) => string | undefined;
}

// DNS-1123 label of 3-40 chars, so `store-<id>`, `<engine>-<id>` and `<release>-<component>` names all
// stay inside Kubernetes' 63 and Helm's 53 character limits.
export const storeIdRule: TextRule = {
  field: 'storeId',
  minLength: 3,
  maxLength: 40,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  patternMessage: 'storeId must be lowercase letters, digits and "-", starting and ending with a letter or digit',
  // store-<x>-cleanup is the workflow id of store x's cleanup: a store named "x-cleanup" would collide.
  refine: (id) =>
    id.endsWith('-cleanup') ? 'storeId must not end in "-cleanup" (reserved for cleanup workflows)' : undefined,
};

// Owners end up in a label value: at most 63 chars of [A-Za-z0-9_.-], alphanumeric at both ends.
export const ownerRule: TextRule = {
  field: 'owner',
  maxLength: 63,
  pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
  patternMessage: 'owner must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
};

// A chart version as Chart.yaml and `helm package` write it (SemVer 2).
export const chartVersionRule: TextRule = {
  field: 'chartVersion',
  maxLength: 64,
  pattern: /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/,
  patternMessage: 'chartVersion must be a SemVer version such as 0.2.0',
};

// The namespace of the Store object that declared the store (a Kubernetes namespace name).
export const resourceNamespaceRule: TextRule = {
  field: 'resourceNamespace',
  maxLength: 63,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  patternMessage: 'resourceNamespace must be a Kubernetes namespace name',
};

/** What is wrong with `value` by `rule`; empty when nothing is. */
export function textProblems(rule: TextRule, value: string): string[] {
  const problems: string[] = [];
  if (rule.minLength !== undefined && value.length < rule.minLength)
    problems.push(`${rule.field} must be at least ${rule.minLength} characters`);
  if (value.length > rule.maxLength) problems.push(`${rule.field} must be at most ${rule.maxLength} characters`);
  if (!rule.pattern.test(value)) problems.push(rule.patternMessage);
  const refined = problems.length === 0 ? rule.refine?.(value) : undefined;
  return refined ? [refined] : problems;
}

export interface StoreSpec {
  storeId: string;
  engine: Engine;
  plan: Plan;
  owner: string;
  /** Unset: the chart the worker ships; the store then keeps the version it was first deployed with. */
  chartVersion?: string;
  /** Set when a Store object declared the store: its namespace, where the workflow writes the status. */
  resourceNamespace?: string;
}

/** A store workflow's input: plan defaults to small, owner to "default". */
export type StoreSpecInput = Pick<StoreSpec, 'storeId' | 'engine'> &
  Partial<Pick<StoreSpec, 'plan' | 'owner' | 'chartVersion' | 'resourceNamespace'>>;

export type ParsedStoreSpec = { spec: StoreSpec; problems?: undefined } | { spec?: undefined; problems: string[] };

/**
 * The spec with its defaults, or one line per problem (`storeId: storeId must be at least 3
 * characters`), for errors people read. Fields it does not know are dropped.
 */
export function parseStoreSpec(input: unknown): ParsedStoreSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { problems: ['a store spec must be an object with storeId and engine'] };
  const fields = input as Record<string, unknown>;
  const problems: string[] = [];
  const text = (rule: TextRule, required: boolean): string | undefined => {
    const value = fields[rule.field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${rule.field}: expected a string, got ${value === undefined ? 'nothing' : typeof value}`);
      return undefined;
    }
    problems.push(...textProblems(rule, value).map((problem) => `${rule.field}: ${problem}`));
    return value;
  };
  const oneOf = <T extends string>(field: string, options: readonly T[], fallback?: T): T | undefined => {
    const value = fields[field] ?? fallback;
    if (options.includes(value as T)) return value as T;
    problems.push(
      `${field}: expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
    return undefined;
  };
  const storeId = text(storeIdRule, true);
  const engine = oneOf('engine', engines);
  const plan = oneOf('plan', planNames, 'small');
  const owner = text(ownerRule, false) ?? 'default';
  const chartVersion = text(chartVersionRule, false);
  const resourceNamespace = text(resourceNamespaceRule, false);
  if (problems.length > 0 || storeId === undefined || engine === undefined || plan === undefined) return { problems };
  return {
    spec: {
      storeId,
      engine,
      plan,
      owner,
      ...(chartVersion === undefined ? {} : { chartVersion }),
      ...(resourceNamespace === undefined ? {} : { resourceNamespace }),
    },
  };
}
