// The platform chart's alerts, as values-prod renders them: valid for Prometheus (promtool check rules,
// promtool built from its Go module), each linked to a section of docs/operations.md that exists, and
// their expressions firing on the series that mean trouble and not on the ones that do not (promtool
// test rules, with series as the API, the worker, the kubelet and kube-state-metrics export them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpYaml } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { find, renderOk, type Manifest } from './render.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  annotations: Record<string, string>;
}
type RuleSpec = { groups: Array<{ name: string; rules: AlertRule[] }> };

const dir = mkdtempSync(join(tmpdir(), 'storefleet-alerts-'));
const rulesFile = join(dir, 'rules.yaml');
let alerts: Record<string, AlertRule>;

const promtool = (args: string[]) =>
  execa(inject('toolchain').promtool ?? 'promtool', args, { cwd: dir, reject: false, all: true });

beforeAll(async () => {
  const objects = await renderOk({ values: 'values-prod.yaml' });
  const spec = (find(objects, 'PrometheusRule', 'store-platform-alerts') as Manifest & { spec: RuleSpec }).spec;
  writeFileSync(rulesFile, dumpYaml(spec));
  alerts = Object.fromEntries(spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('the platform alerts', () => {
  it('when rendered with values-prod, then promtool accepts every rule', async () => {
    const checked = await promtool(['check', 'rules', rulesFile]);
    expect(checked.exitCode, checked.all).toBe(0);
    expect(checked.all).toMatch(new RegExp(`SUCCESS: ${Object.keys(alerts).length} rules found`));
  });

  it('when an alert fires, then its runbook link names a section of docs/operations.md that exists', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const anchors = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    expect(Object.keys(alerts).sort()).toEqual(
      [
        'StorefleetApiErrorsHigh',
        'StorefleetProvisioningFailureRateHigh',
        'StorefleetProvisioningSlow',
        'StorefleetProvisioningStuck',
        'StorefleetStoreChecksFailing',
        'StorefleetStoreVolumeFilling',
        'StorefleetStoresStuckDeleting',
        'StorefleetWorkerMemoryNearLimit',
        'StorefleetWorkerMetricsDown',
      ].sort(),
    );
    for (const rule of Object.values(alerts)) {
      const [page, anchor] = rule.annotations.runbook_url!.split('#');
      expect(page, rule.alert).toBe('docs/operations.md');
      expect(anchors.has(anchor!), `${rule.alert} links to #${anchor}`).toBe(true);
    }
  });

  it('when fed the series of trouble and of normal operation, then each new alert selects exactly the troubled ones', async () => {
    const expr = (name: string) => alerts[name]!.expr.trim();
    const tests = {
      rule_files: [rulesFile],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            // Two failing checks a minute that say the workloads are down; objects put back do not count.
            { series: 'storefleet_store_checks_failed_total{reason="WorkloadsUnavailable"}', values: '0+2x40' },
            { series: 'storefleet_store_checks_failed_total{reason="ObjectsRestored"}', values: '0+2x40' },
            { series: 'storefleet_store_checks_failed_total{reason="StorefrontUnreachable"}', values: '0x40' },
            // 10 answers a second, 2 of them 5xx.
            { series: 'storefleet_api_request_duration_seconds_count{status="200"}', values: '0+480x40' },
            { series: 'storefleet_api_request_duration_seconds_count{status="503"}', values: '0+120x40' },
            // One worker at 95 % of its limit, one at 50 %.
            {
              series: 'container_memory_working_set_bytes{namespace="store-platform",container="worker",pod="w-1"}',
              values: '950x40',
            },
            {
              series: 'container_memory_working_set_bytes{namespace="store-platform",container="worker",pod="w-2"}',
              values: '500x40',
            },
            {
              series:
                'kube_pod_container_resource_limits{namespace="store-platform",container="worker",pod="w-1",resource="memory"}',
              values: '1000x40',
            },
            {
              series:
                'kube_pod_container_resource_limits{namespace="store-platform",container="worker",pod="w-2",resource="memory"}',
              values: '1000x40',
            },
            // A store's database volume 90 % full, its uploads 10 %, and a volume outside the stores.
            {
              series: 'kubelet_volume_stats_used_bytes{namespace="store-demo1",persistentvolumeclaim="data-db-0"}',
              values: '90x40',
            },
            {
              series: 'kubelet_volume_stats_capacity_bytes{namespace="store-demo1",persistentvolumeclaim="data-db-0"}',
              values: '100x40',
            },
            {
              series: 'kubelet_volume_stats_used_bytes{namespace="store-demo1",persistentvolumeclaim="uploads"}',
              values: '10x40',
            },
            {
              series: 'kubelet_volume_stats_capacity_bytes{namespace="store-demo1",persistentvolumeclaim="uploads"}',
              values: '100x40',
            },
            {
              series: 'kubelet_volume_stats_used_bytes{namespace="monitoring",persistentvolumeclaim="tsdb"}',
              values: '99x40',
            },
            {
              series: 'kubelet_volume_stats_capacity_bytes{namespace="monitoring",persistentvolumeclaim="tsdb"}',
              values: '100x40',
            },
          ],
          promql_expr_test: [
            {
              expr: expr('StorefleetStoreChecksFailing'),
              eval_time: '30m',
              exp_samples: [{ labels: '{reason="WorkloadsUnavailable"}', value: 30 }],
            },
            { expr: expr('StorefleetApiErrorsHigh'), eval_time: '30m', exp_samples: [{ labels: '{}', value: 0.2 }] },
            {
              expr: expr('StorefleetWorkerMemoryNearLimit'),
              eval_time: '30m',
              exp_samples: [{ labels: '{pod="w-1"}', value: 0.95 }],
            },
            {
              expr: expr('StorefleetStoreVolumeFilling'),
              eval_time: '30m',
              exp_samples: [{ labels: '{namespace="store-demo1",persistentvolumeclaim="data-db-0"}', value: 0.9 }],
            },
          ],
        },
        {
          // Stores stay Provisioning; the first 30 minutes some reach Ready, then none does.
          interval: '1m',
          input_series: [
            { series: 'storefleet_store_ready{engine="woocommerce",phase="Provisioning",pod="api-1"}', values: '2x90' },
            { series: 'storefleet_store_ready{engine="medusa",phase="Provisioning",pod="api-1"}', values: '1x90' },
            { series: 'storefleet_store_ready{engine="woocommerce",phase="Provisioning",pod="api-2"}', values: '2x90' },
            { series: 'storefleet_store_ready{engine="medusa",phase="Provisioning",pod="api-2"}', values: '1x90' },
            { series: 'storefleet_store_provisioning_seconds_count', values: '0+1x30 30x60' },
          ],
          promql_expr_test: [
            { expr: expr('StorefleetProvisioningStuck'), eval_time: '40m', exp_samples: [] },
            { expr: expr('StorefleetProvisioningStuck'), eval_time: '80m', exp_samples: [{ labels: '{}', value: 3 }] },
          ],
        },
      ],
    };
    const testsFile = join(dir, 'tests.yaml');
    writeFileSync(testsFile, dumpYaml(tests));
    const tested = await promtool(['test', 'rules', testsFile]);
    expect(tested.exitCode, tested.all).toBe(0);
    expect(tested.all).toContain('SUCCESS');
  });
});
