// Holds helm in the middle of an install, for as long as a test needs: a validating admission webhook
// the apiserver must ask before it creates a chart's objects in one namespace, which does not answer
// until released. By then helm has recorded the release as pending-install, and its process is waiting
// on the apiserver: the moment a crash leaves the release stuck.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { ignoreNotFound } from '../../activities/kube-objects.js';
import { issueCertificate, makeCa } from './certificates.js';
import { kubeConfig, uniqueName } from './clients.js';

export interface HeldInstall {
  /** Resolves when the apiserver first asks, i.e. helm is creating the chart's objects. */
  arrived: Promise<void>;
  /** Lets every held and later request through, and removes the webhook. */
  release(): Promise<void>;
}

interface AdmissionReview {
  request?: { uid?: string };
}

export async function holdHelmInstall(namespace: string): Promise<HeldInstall> {
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-webhook-'));
  await makeCa(dir, 'ca');
  await issueCertificate(dir, 'webhook', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  let open = false;
  let letThrough: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (letThrough = resolve));
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));

  const server = createServer({ key: readFileSync(join(dir, 'webhook.key')), cert: readFileSync(join(dir, 'webhook.crt')) }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const uid = (JSON.parse(body || '{}') as AdmissionReview).request?.uid ?? '';
      arrive();
      const answer = () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } }));
      };
      if (open) answer();
      else void released.then(answer);
    });
  });
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
          clientConfig: { url: `https://127.0.0.1:${port}/`, caBundle: readFileSync(join(dir, 'ca.crt')).toString('base64') },
          rules: [{ operations: ['CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Namespaced' }],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
          // The chart's objects only: the namespace's guardrails and Secret come before helm.
          objectSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'Helm' } },
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
