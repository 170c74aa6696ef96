// The Store custom resource (stores.storefleet.io/v1alpha1): a store declared with kubectl or GitOps.
// Its schema is made here from the same rules as the API's create (store id, engines, plans, chart
// version), so the apiserver refuses what the API refuses; `npm run crd` writes it to the platform
// chart's crds/, and a test checks that file is up to date.
import { planNames } from './plans.js';
import { conditionTypes, phases } from './status.js';
import { chartVersionRule, engines, storeIdRule } from './store-spec.js';

export const storeGroup = 'storefleet.io';
export const storeVersion = 'v1alpha1';
export const storePlural = 'stores';

/** A JavaScript pattern as the CRD's (Go RE2) pattern: the rules' patterns use no syntax the two spell differently. */
const pattern = (rule: { pattern: RegExp }) => rule.pattern.source;
const cel = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

const conditionSchema = {
  type: 'object',
  required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
  properties: {
    type: { type: 'string', description: `${Object.keys(conditionTypes).join(', ')}, as the API reports them` },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64' },
  },
};

export const storeCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: `${storePlural}.${storeGroup}`,
    labels: { 'app.kubernetes.io/name': 'storefleet', 'app.kubernetes.io/component': 'store-crd' },
  },
  spec: {
    group: storeGroup,
    names: { kind: 'Store', listKind: 'StoreList', plural: storePlural, singular: 'store' },
    scope: 'Namespaced',
    versions: [
      {
        name: storeVersion,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Engine', type: 'string', jsonPath: '.spec.engine' },
          { name: 'Plan', type: 'string', jsonPath: '.spec.plan' },
          { name: 'URL', type: 'string', jsonPath: '.status.url' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A store: its name is the store id, unique in the cluster; the workflow store-<name> runs it.',
            required: ['spec'],
            // The store id is the object's name: the API's rules for a store id, said the API's way.
            'x-kubernetes-validations': [
              {
                rule: `size(self.metadata.name) >= ${storeIdRule.minLength} && size(self.metadata.name) <= ${storeIdRule.maxLength}`,
                message: `the name is the store id: ${storeIdRule.field} must be ${storeIdRule.minLength} to ${storeIdRule.maxLength} characters`,
              },
              {
                rule: `self.metadata.name.matches('${cel(pattern(storeIdRule))}')`,
                message: `the name is the store id: ${storeIdRule.patternMessage}`,
              },
              {
                rule: "!self.metadata.name.endsWith('-cleanup')",
                message:
                  'the name is the store id: storeId must not end in "-cleanup" (reserved for cleanup workflows)',
              },
            ],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['engine'],
                properties: {
                  engine: {
                    type: 'string',
                    enum: [...engines],
                    description: 'What the store runs; fixed once the store exists.',
                    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'engine is immutable' }],
                  },
                  plan: {
                    type: 'string',
                    enum: [...planNames],
                    default: 'small',
                    description: 'Its size (quota and limits); a change upgrades the store.',
                  },
                  chartVersion: {
                    type: 'string',
                    maxLength: chartVersionRule.maxLength,
                    pattern: pattern(chartVersionRule),
                    description: 'The chart version; unset: the one the worker ships. A change upgrades the store.',
                  },
                },
              },
              status: {
                type: 'object',
                description: "The store workflow's status, written back by the worker.",
                properties: {
                  phase: { type: 'string', enum: Object.keys(phases) },
                  conditions: {
                    type: 'array',
                    items: conditionSchema,
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                  },
                  url: { type: 'string' },
                  adminUrl: { type: 'string' },
                  lastError: { type: 'string' },
                  chartVersion: { type: 'string' },
                  revision: { type: 'integer' },
                  observedGeneration: { type: 'integer', format: 'int64' },
                },
              },
            },
          },
        },
      },
    ],
  },
};
