// The KubeConfig the worker's activities and controller use. @kubernetes/client-node builds a new
// https.Agent for every API call, so every call opened a new TLS connection with a new TLS context (the
// cluster's CA parsed again): CPU per call, and native memory that stayed with the process (about 1.5 MB
// of worker RSS per store of a 200-store burst). This one hands every call the same keep-alive agent,
// built once from the options the library chose (CA, client certificate, server name).
//
// The library also sets no timeout: an API call the apiserver accepts and never answers (a half-open
// connection, an apiserver that hangs) would hold its activity, and the worker's slot for it, past the
// activity's own timeout, as long as the hang lasts. Every API call here is given up after a timeout
// instead. Watches and log streams do not come through here and are not cut; a call that sets its
// own, shorter timeout (a log read) keeps it.
import { Agent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/** How long one Kubernetes API call may wait for its answer (the apiserver's own limit is 60 s). */
export const kubeRequestTimeoutMs = 30_000;

export class SharedAgentKubeConfig extends KubeConfig {
  private sharedAgent: Agent | undefined;

  constructor(private readonly requestTimeoutMs = kubeRequestTimeoutMs) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    const created = context.getAgent();
    // A plain-http cluster or one behind a proxy keeps the agent the library made for it.
    if (!(created instanceof Agent) || this.getCurrentCluster()?.proxyUrl) return;
    this.sharedAgent ??= new Agent({ ...created.options, keepAlive: true });
    context.setAgent(this.sharedAgent);
  }
}

/** The kubeconfig file at `path`, else the in-cluster service account's. */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kubeConfig = new SharedAgentKubeConfig();
  if (path) kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromCluster();
  return kubeConfig;
}
