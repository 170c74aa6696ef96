// The state of a store as its workflow reports it (query `status`): the contract for the API, the
// dashboard and operators. docs/store-status.md says what each phase, condition and reason means.
import type { Engine } from './store-spec.js';
import type { Plan } from './plans.js';

export const phases = {
  Provisioning: 'Provisioning',
  Ready: 'Ready',
  Upgrading: 'Upgrading',
  Hibernated: 'Hibernated',
  Failed: 'Failed',
  Deleting: 'Deleting',
  Deleted: 'Deleted',
} as const;
export type Phase = keyof typeof phases;

export const conditionTypes = {
  NamespaceReady: 'NamespaceReady',
  GuardrailsApplied: 'GuardrailsApplied',
  ReleaseDeployed: 'ReleaseDeployed',
  StoreReady: 'StoreReady',
  /** The store sells: WooCommerce installed and active (or a Medusa store). A skipped plugin is False. */
  CommerceReady: 'CommerceReady',
  StorefrontReachable: 'StorefrontReachable',
  /** The last order check (run on request) placed an order through the store's URL, saw it in the admin and cancelled it. */
  OrderFlow: 'OrderFlow',
} as const;
export type ConditionType = keyof typeof conditionTypes;

/** Reasons on conditions and events; stable strings that scripts and alerts may match on. */
export const reasons = {
  /** A condition not yet decided: its step has not run. */
  Pending: 'Pending',
  Created: 'Created',
  Progressing: 'Progressing',
  NamespaceCreated: 'NamespaceCreated',
  GuardrailsApplied: 'GuardrailsApplied',
  GuardrailsRestored: 'GuardrailsRestored',
  /** The Ready-store check put back release objects someone deleted or changed (the message names each). */
  ObjectsRestored: 'ObjectsRestored',
  /** The Ready-store check found the store's workloads (or certificate) not ready: StoreReady False, phase still Ready. */
  WorkloadsUnavailable: 'WorkloadsUnavailable',
  /** A later check found them ready again. */
  WorkloadsAvailable: 'WorkloadsAvailable',
  /** The periodic drift check could not read or restore the guardrails; the next one tries again. */
  DriftCheckFailed: 'DriftCheckFailed',
  SecretReady: 'SecretReady',
  ReleaseDeployed: 'ReleaseDeployed',
  StoreReady: 'StoreReady',
  ProvisionFailed: 'ProvisionFailed',
  ProvisionTimeout: 'ProvisionTimeout',
  RetryRequested: 'RetryRequested',
  RetryIgnored: 'RetryIgnored',
  DeleteRequested: 'DeleteRequested',
  ReleaseUninstalled: 'ReleaseUninstalled',
  VolumesDeleted: 'VolumesDeleted',
  NamespaceDeleting: 'NamespaceDeleting',
  NamespaceStuck: 'NamespaceStuck',
  /** The store's namespace belongs to another owner's store of the same id: the cleanup did not touch it. */
  ForeignRemainsKept: 'ForeignRemainsKept',
  Deleted: 'Deleted',
  /** WooCommerce is installed and active (the setup Job said so), or the store is a Medusa store. */
  CommerceReady: 'CommerceReady',
  /**
   * The setup Job skipped WooCommerce (woocommerce.required false) because the plugin could not be had:
   * the store is a WordPress site, not a shop. The message says why (the Job's termination message).
   */
  PluginUnavailable: 'PluginUnavailable',
  /** The setup Job completed without saying how WooCommerce went (its pod ran no script, or it is gone). */
  SetupOutcomeUnknown: 'SetupOutcomeUnknown',
  /** A container keeps crashing (CrashLoopBackOff) while the store waits for readiness; its last log lines, masked. */
  ContainerCrashing: 'ContainerCrashing',
  /** Every page of the storefront check answered. */
  StorefrontReachable: 'StorefrontReachable',
  /** A page of the check failed; the store stays Ready, the message names the page and the error. */
  StorefrontUnreachable: 'StorefrontUnreachable',
  /** The worker does not check storefronts (STOREFLEET_STOREFRONT_CHECK=off). */
  StorefrontCheckSkipped: 'StorefrontCheckSkipped',
  /** An operator asked for an order check; the message says who. */
  OrderCheckRequested: 'OrderCheckRequested',
  /** The order check placed an order, saw it through the admin API and cancelled it; the message names the order. */
  OrderPlaced: 'OrderPlaced',
  /** A step of the order check failed; the message names the step and what the store answered. */
  OrderFlowBroken: 'OrderFlowBroken',
  HibernateRequested: 'HibernateRequested',
  /** Workloads scaled to zero; volumes, secrets and the release are kept. */
  Hibernated: 'Hibernated',
  WakeRequested: 'WakeRequested',
  /** A plan change or chart upgrade was accepted; the message says from what to what and who asked. */
  ChangeRequested: 'ChangeRequested',
  /** The upgraded release is ready; the store runs the new plan and chart version. */
  Upgraded: 'Upgraded',
  /** The upgrade failed (helm, or readiness by the deadline); a rollback follows. */
  UpgradeFailed: 'UpgradeFailed',
  /** The release is back on its previous revision and ready; the store keeps its old plan and chart. */
  RolledBack: 'RolledBack',
  /** Even the rollback failed: the store is Failed; a retry deploys the old plan and chart again. */
  RollbackFailed: 'RollbackFailed',
  /**
   * Temporal runs a step again after an attempt that ended for another reason than an unreachable API
   * (those say so themselves): the message names the step, the attempt, and how the last one ended,
   * e.g. no heartbeat because its worker was lost.
   */
  StepRetried: 'StepRetried',
  /** A step could not reach the Kubernetes API (refused, reset, timed out, 5xx); it is retried. */
  KubernetesUnreachable: 'KubernetesUnreachable',
  /** A step reached it again after such failures; the message says how long it was unreachable. */
  KubernetesReachable: 'KubernetesReachable',
} as const;
export type Reason = keyof typeof reasons;

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface StoreEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** How the last plan change or chart upgrade ended. */
export interface ChangeOutcome {
  requestedBy: string;
  from: { plan: Plan; chartVersion?: string; revision?: number };
  to: { plan: Plan; chartVersion?: string };
  result: 'Upgrading' | 'Upgraded' | 'RolledBack' | 'Failed';
  /** The release revision the store runs after the change (new, or the one rolled back to). */
  revision?: number;
  message: string;
  startedAt: string;
  finishedAt?: string;
}

/** One step of an order check, in the order it ran. */
export interface OrderCheckStep {
  name: string;
  ok: boolean;
  message: string;
}

/** What the last order check did (POST /stores/:id/checks/order, the `checkOrder` update). */
export interface OrderCheck {
  ok: boolean;
  /** The order it placed, when it got that far (cancelled again unless a step says otherwise). */
  orderId?: string;
  steps: OrderCheckStep[];
  requestedBy: string;
  startedAt: string;
  finishedAt: string;
}

export interface StoreStatus {
  storeId: string;
  engine: Engine;
  plan: Plan;
  owner: string;
  phase: Phase;
  conditions: Condition[];
  url?: string;
  adminUrl?: string;
  adminSecretName?: string;
  /** The chart version and Helm release revision deployed, once a release exists. */
  chartVersion?: string;
  revision?: number;
  lastChange?: ChangeOutcome;
  lastOrderCheck?: OrderCheck;
  lastError?: string;
  /** Provisioning attempts so far: 1 for the first, +1 per retry. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  readyAt?: string;
  deletedAt?: string;
  events: StoreEvent[];
}

/** The timeline keeps the newest events only, so a long-lived store's state stays small. */
export const maxEvents = 200;
