// Plans size a store's namespace: its ResourceQuota (the whole store) and LimitRange (each container).
// The store charts pick matching container presets from the same plan name.
export const planNames = ['small', 'medium', 'large'] as const;
export type Plan = (typeof planNames)[number];

export interface PlanSize {
  quota: Record<string, string>;
  containerMax: { cpu: string; memory: string };
  containerMin: { cpu: string; memory: string };
  containerDefault: { cpu: string; memory: string };
  containerDefaultRequest: { cpu: string; memory: string };
}

const containerMin = { cpu: '10m', memory: '16Mi' };
const containerDefault = { cpu: '500m', memory: '512Mi' };
const containerDefaultRequest = { cpu: '100m', memory: '128Mi' };
// No LoadBalancers or NodePorts: stores are reached through the shared ingress controller.
const noExternalServices = { 'services.loadbalancers': '0', 'services.nodeports': '0' };

export const plans: Record<Plan, PlanSize> = {
  small: {
    quota: {
      'requests.cpu': '2',
      'requests.memory': '4Gi',
      'limits.cpu': '4',
      'limits.memory': '8Gi',
      pods: '20',
      persistentvolumeclaims: '4',
      'requests.storage': '20Gi',
      ...noExternalServices,
    },
    containerMax: { cpu: '1', memory: '2Gi' },
    containerMin,
    containerDefault,
    containerDefaultRequest,
  },
  medium: {
    quota: {
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      pods: '40',
      persistentvolumeclaims: '8',
      'requests.storage': '50Gi',
      ...noExternalServices,
    },
    containerMax: { cpu: '2', memory: '4Gi' },
    containerMin,
    containerDefault,
    containerDefaultRequest,
  },
  large: {
    quota: {
      'requests.cpu': '8',
      'requests.memory': '16Gi',
      'limits.cpu': '16',
      'limits.memory': '32Gi',
      pods: '80',
      persistentvolumeclaims: '16',
      'requests.storage': '100Gi',
      ...noExternalServices,
    },
    containerMax: { cpu: '4', memory: '8Gi' },
    containerMin,
    containerDefault,
    containerDefaultRequest,
  },
};
