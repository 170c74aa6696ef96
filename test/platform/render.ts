// Rendering the platform chart for the tests in this folder: `helm template` with a values file and
// overrides, parsed into objects.
import { fileURLToPath } from 'node:url';
import { loadAllYaml, type KubernetesObject, type V1Container, type V1Deployment } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { storeSearchAttributes } from '../../core/search-attributes.js';
import { helm } from '../harness/clients.js';

export const platformChart = fileURLToPath(new URL('../../charts/platform', import.meta.url));
export const valuesFiles = ['values.yaml', 'values-local.yaml', 'values-prod.yaml'] as const;
export type ValuesFile = (typeof valuesFiles)[number];
export const valuesPath = (file: ValuesFile) => `${platformChart}/${file}`;

export type Manifest = KubernetesObject & { spec?: Record<string, unknown>; data?: Record<string, string> };

/** `helm template` of the platform chart; `set` are `--set` pairs, `values` a values file. */
export async function renderPlatform(
  options: { values?: ValuesFile; set?: string[]; release?: string; namespace?: string; extra?: string[] } = {},
) {
  const args = [
    'template',
    options.release ?? 'store-platform',
    platformChart,
    '-n',
    options.namespace ?? 'store-platform',
  ];
  if (options.values) args.push('-f', valuesPath(options.values));
  for (const pair of options.set ?? []) args.push('--set', pair);
  return helm([...args, ...(options.extra ?? [])]);
}

export async function renderOk(options: Parameters<typeof renderPlatform>[0] = {}): Promise<Manifest[]> {
  const result = await renderPlatform(options);
  expect(result.exitCode, result.all).toBe(0);
  return (loadAllYaml(result.stdout) as Array<Manifest | null>).filter((o): o is Manifest => o !== null);
}

export const find = (objects: Manifest[], kind: string, name: string): Manifest => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found)
    throw new Error(`no ${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
};

export const containerOf = (deployment: Manifest): V1Container =>
  (deployment as V1Deployment).spec!.template.spec!.containers[0]!;

export const envOf = (container: V1Container): Record<string, string | undefined> =>
  Object.fromEntries(
    (container.env ?? []).map((e) => [
      e.name,
      e.value ??
        (e.valueFrom?.secretKeyRef
          ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`
          : undefined),
    ]),
  );

/** A Temporal dev server's arguments register exactly the store search attributes (`--search-attribute=Name=Type`). */
export function expectStoreSearchAttributes(args: string[]): void {
  const flag = '--search-attribute=';
  const registered = args.filter((a) => a.startsWith(flag)).map((a) => a.slice(flag.length));
  expect(registered.sort()).toEqual(
    Object.entries(storeSearchAttributes)
      .map(([name, type]) => `${name}=${type}`)
      .sort(),
  );
}
