// Holds a request to the apiserver for as long as a test needs: a validating admission webhook the
// apiserver must ask before it acts, which does not answer until released. Held on the creation of a
// chart's objects, helm has recorded the release as pending-install and its process waits on the
// apiserver: the moment a crash leaves the release stuck. Held on the deletion of a namespace, a
// cleanup step is mid-call.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { ignoreNotFound } from '../../activities/kube-objects.js';
import { issueCertificate, makeCa } from './certificates.js';
import { kubeConfig, uniqueName } from './clients.js';

export interface HeldRequests {
  /** Resolves when the apiserver first asks, i.e. a held request is in flight. */
  arrived: Promise<void>;
  /** Lets every held and later request through, and removes the webhook. */
  release(): Promise<void>;
}

interface AdmissionReview {
  request?: { uid?: string };
}

/** Which requests to hold: operations on resources, in (or, for namespaces, of) one namespace. */
export interface HeldRule {
  namespace: string;
  operations: Array<'CREATE' | 'UPDATE' | 'DELETE'>;
  resources: string[];
  scope: 'Namespaced' | 'Cluster';
  objectLabels?: Record<string, string>;
}

/** Helm creating the chart's objects (not the namespace's guardrails and Secret, which come before helm). */
export const holdHelmInstall = (namespace: string) =>
  holdRequests({
    namespace,
    operations: ['CREATE'],
    resources: ['*'],
    scope: 'Namespaced',
    objectLabels: { 'app.kubernetes.io/managed-by': 'Helm' },
  });

/** The deletion of the namespace itself (a cleanup step). */
export const holdNamespaceDeletion = (namespace: string) =>
  holdRequests({ namespace, operations: ['DELETE'], resources: ['namespaces'], scope: 'Cluster' });

export async function holdRequests(rule: HeldRule): Promise<HeldRequests> {
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-webhook-'));
  await makeCa(dir, 'ca');
  await issueCertificate(dir, 'webhook', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  let open = false;
  let letThrough: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (letThrough = resolve));
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));

  const server = createServer(
    { key: readFileSync(join(dir, 'webhook.key')), cert: readFileSync(join(dir, 'webhook.crt')) },
    (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const uid = (JSON.parse(body || '{}') as AdmissionReview).request?.uid ?? '';
        arrive();
        const answer = () => {
          response.setHeader('content-type', 'application/json');
          response.end(
            JSON.stringify({
              apiVersion: 'admission.k8s.io/v1',
              kind: 'AdmissionReview',
              response: { uid, allowed: true },
            }),
          );
        };
        if (open) answer();
        else void released.then(answer);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const admission = kubeConfig().makeApiClient(AdmissionregistrationV1Api);
  const name = uniqueName('hold-helm');
  await admission.createValidatingWebhookConfiguration({
    body: {
      metadata: { name },
      webhooks: [
        {
          name: 'hold.storefleet.test',
          clientConfig: {
            url: `https://127.0.0.1:${port}/`,
            caBundle: readFileSync(join(dir, 'ca.crt')).toString('base64'),
          },
          rules: [
            {
              operations: rule.operations,
              apiGroups: ['*'],
              apiVersions: ['*'],
              resources: rule.resources,
              scope: rule.scope,
            },
          ],
          // For a Namespace, the selector matches the namespace object itself.
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': rule.namespace } },
          ...(rule.objectLabels ? { objectSelector: { matchLabels: rule.objectLabels } } : {}),
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          // The longest the apiserver waits; then it lets the object through (Ignore).
          timeoutSeconds: 30,
          failurePolicy: 'Ignore',
        },
      ],
    },
  });

  return {
    arrived,
    async release() {
      open = true;
      letThrough();
      await ignoreNotFound(admission.deleteValidatingWebhookConfiguration({ name }));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
