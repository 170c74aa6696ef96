// The order check (update `checkOrder`): one order placed through the store's URL as a shopper would,
// verified and cancelled through the admin API with the store's credentials. The credentials are read
// here from the store's Secret and never leave: every step's message is masked, the log says only
// which steps ran. Never retried: a second attempt would place a second order.
import { CoreV1Api } from '@kubernetes/client-node';
import { adminSecretName, namespaceName } from '../core/names.js';
import type { OrderCheckStep } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { secretMask } from './log-tail.js';
import { OrderFlow, OrderStepFailed, type OrderCredentials } from './order-flow.js';
import { medusaOrderFlow } from './order-flow-medusa.js';
import { woocommerceOrderFlow } from './order-flow-woocommerce.js';

export interface OrderCheckResult {
  ok: boolean;
  orderId?: string;
  steps: OrderCheckStep[];
}

const flows = { medusa: medusaOrderFlow, woocommerce: woocommerceOrderFlow };

/** The Secret's keys whose values are secret (the user name and email are not, and stay readable). */
const secretKeys = ['admin-password', 'database-password', 'database-root-password', 'jwt-secret', 'cookie-secret'];

export function createOrderCheckActivities(deps: ActivityDeps) {
  return {
    async checkOrder(spec: StoreSpec, url: string): Promise<OrderCheckResult> {
      const log = activityLogger(deps.log, spec.storeId);
      const secret = await deps.kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(spec.storeId) });
      const value = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
      const credentials: OrderCredentials = {
        username: value('admin-username'),
        email: value('admin-email'),
        password: value('admin-password'),
      };
      const flow = new OrderFlow(url.replace(/\/+$/, ''), secretMask(secretKeys.map(value)), deps.storeIngressUrl);
      try {
        await flows[spec.engine](flow, spec.storeId, credentials);
      } catch (error) {
        // A failed step is the finding, already recorded; anything else is a fault of the check itself.
        if (!(error instanceof OrderStepFailed)) throw error;
      }
      const ok = flow.steps.length > 0 && flow.steps.every((step) => step.ok);
      log.info(
        { ok, orderId: flow.orderId, steps: flow.steps.map((step) => `${step.name}: ${step.ok ? 'ok' : 'failed'}`) },
        'order check done',
      );
      return { ok, ...(flow.orderId ? { orderId: flow.orderId } : {}), steps: flow.steps };
    },
  };
}
