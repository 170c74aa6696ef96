// kwok Stage objects and our copies of kwok v0.7.0's default stages (kustomize/stage/node/fast,
// node/heartbeat-with-lease, pod/fast). kwok run with --enable-crds=Stage loads none of its own, so
// these are what make fake nodes Ready and fake pods Running, Completed and deleted.

export const STAGE_GROUP = 'kwok.x-k8s.io';
export const STAGE_VERSION = 'v1alpha1';
export const STAGE_PLURAL = 'stages';
/** Marks the stages we manage: `default` ones are re-applied on start, `runtime` ones are dropped then. */
export const STAGE_ROLE_LABEL = 'storefleet.io/stage-role';

export interface StageExpression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface Stage {
  apiVersion: `${typeof STAGE_GROUP}/${typeof STAGE_VERSION}`;
  kind: 'Stage';
  metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: {
    resourceRef: { apiGroup: 'v1'; kind: 'Node' | 'Pod' };
    selector: { matchLabels?: Record<string, string>; matchExpressions?: StageExpression[] };
    /** If any matching stage has weight > 0, kwok picks only among the weighted ones. */
    weight?: number;
    /** kwok waits durationMilliseconds plus a random share of (jitterDurationMilliseconds - durationMilliseconds). */
    delay?: { durationMilliseconds: number; jitterDurationMilliseconds?: number };
    next: {
      patches?: Array<{ subresource?: 'status'; root?: string; template: string }>;
      finalizers?: { empty: boolean };
      delete?: boolean;
    };
  };
}

export function stageObject(name: string, role: 'default' | 'runtime', spec: Stage['spec']): Stage {
  return {
    apiVersion: `${STAGE_GROUP}/${STAGE_VERSION}`,
    kind: 'Stage',
    metadata: { name, labels: { [STAGE_ROLE_LABEL]: role } },
    spec,
  };
}

/** The status patch kwok's (deprecated) `statusTemplate` stands for. */
export function statusPatch(template: string): Stage['spec']['next'] {
  return { patches: [{ subresource: 'status', root: 'status', template }] };
}

/** Go templates are YAML, so indentation matters: write them indented in code, strip it here. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').trimEnd().split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return lines.map((line) => line.slice(indent)).join('\n') + '\n';
}

export const isLive: StageExpression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
/** kwok's marker of a pod it has not started yet: started pods get a podIP. */
export const notStarted: StageExpression = { key: '.status.podIP', operator: 'DoesNotExist' };
export const runningJobPod: StageExpression[] = [
  isLive,
  { key: '.status.phase', operator: 'In', values: ['Running'] },
  { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
];

const nodeHeartbeatTemplate = dedent(`
  {{ $now := Now }}
  {{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
  conditions:
  {{ range NodeConditions }}
  - lastHeartbeatTime: {{ $now | Quote }}
    lastTransitionTime: {{ $lastTransitionTime | Quote }}
    message: {{ .message | Quote }}
    reason: {{ .reason | Quote }}
    status: {{ .status | Quote }}
    type: {{ .type | Quote }}
  {{ end }}
  addresses:
  {{ with .status.addresses }}
  {{ YAML . 1 }}
  {{ else }}
  {{ with NodeIP }}
  - address: {{ . | Quote }}
    type: InternalIP
  {{ end }}
  {{ with NodeName }}
  - address: {{ . | Quote }}
    type: Hostname
  {{ end }}
  {{ end }}
  {{ with NodePort }}
  daemonEndpoints:
    kubeletEndpoint:
      Port: {{ . }}
  {{ end }}
`);

/** The node's own figure for `field` (allocatable, capacity), or a generous default. */
const nodeResources = (field: string) => `
    ${field}:
    {{ with .status.${field} }}
    {{ YAML . 1 }}
    {{ else }}
      cpu: 1k
      memory: 1Ti
      pods: 1M
    {{ end }}`;

const nodeInitializeTemplate =
  nodeHeartbeatTemplate +
  dedent(`${nodeResources('allocatable')}${nodeResources('capacity')}
    {{ $nodeInfo := .status.nodeInfo }}
    {{ $kwokVersion := printf "kwok-%s" Version }}
    nodeInfo:
      architecture: {{ or $nodeInfo.architecture "amd64" | Quote }}
      bootID: {{ or $nodeInfo.bootID "" | Quote }}
      containerRuntimeVersion: {{ or $nodeInfo.containerRuntimeVersion $kwokVersion | Quote }}
      kernelVersion: {{ or $nodeInfo.kernelVersion $kwokVersion | Quote }}
      kubeProxyVersion: {{ or $nodeInfo.kubeProxyVersion $kwokVersion | Quote }}
      kubeletVersion: {{ or $nodeInfo.kubeletVersion $kwokVersion | Quote }}
      machineID: {{ or $nodeInfo.machineID "" | Quote }}
      operatingSystem: {{ or $nodeInfo.operatingSystem "linux" | Quote }}
      osImage: {{ or $nodeInfo.osImage "" | Quote }}
      systemUUID: {{ or $nodeInfo.systemUUID "" | Quote }}
    phase: Running
  `);

/** Init containers done, sandbox up (hostIP/podIP): shared by pod-ready and the fault stages. */
export const podStartedTemplate = dedent(`
  initContainerStatuses:
  {{ range .spec.initContainers }}
  - image: {{ .image | Quote }}
    name: {{ .name | Quote }}
    ready: true
    restartCount: 0
    {{ if eq .restartPolicy "Always" }}
    started: true
    state:
      running:
        startedAt: {{ Now | Quote }}
    {{ else }}
    state:
      terminated:
        exitCode: 0
        finishedAt: {{ Now | Quote }}
        reason: Completed
        startedAt: {{ Now | Quote }}
    {{ end }}
  {{ end }}
  hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
  podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
  startTime: {{ Now | Quote }}
`);

export const podReadyTemplate =
  dedent(`
    {{ $now := Now }}
    conditions:
    - lastTransitionTime: {{ $now | Quote }}
      status: "True"
      type: Initialized
    - lastTransitionTime: {{ $now | Quote }}
      status: "True"
      type: Ready
    - lastTransitionTime: {{ $now | Quote }}
      status: "True"
      type: ContainersReady
    {{ range .spec.readinessGates }}
    - lastTransitionTime: {{ $now | Quote }}
      status: "True"
      type: {{ .conditionType | Quote }}
    {{ end }}
    containerStatuses:
    {{ range .spec.containers }}
    - image: {{ .image | Quote }}
      name: {{ .name | Quote }}
      ready: true
      restartCount: 0
      state:
        running:
          startedAt: {{ $now | Quote }}
    {{ end }}
    phase: Running
  `) + podStartedTemplate;

/**
 * Every container terminated with the exit code (and termination message, as a Job's script writes
 * it); the pod Succeeded (0) or Failed (anything else).
 */
export function podTerminatedTemplate(exitCode: number, message?: string): string {
  const messageLine = message === undefined ? '' : `\n          message: ${JSON.stringify(message)}`;
  return dedent(`
    {{ $now := Now }}
    containerStatuses:
    {{ range .spec.containers }}
    - image: {{ .image | Quote }}
      name: {{ .name | Quote }}
      ready: false
      restartCount: 0
      started: false
      state:
        terminated:
          exitCode: ${exitCode}
          finishedAt: {{ $now | Quote }}
          reason: ${exitCode === 0 ? 'Completed' : 'Error'}
          startedAt: {{ $now | Quote }}${messageLine}
    {{ end }}
    phase: ${exitCode === 0 ? 'Succeeded' : 'Failed'}
  `);
}

export const podCompleteTemplate = podTerminatedTemplate(0);

const node = { apiGroup: 'v1', kind: 'Node' } as const;
const pod = { apiGroup: 'v1', kind: 'Pod' } as const;
const nodeReady = { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', values: ['True'] };

export const DEFAULT_STAGES: Stage[] = [
  stageObject('node-initialize', 'default', {
    resourceRef: node,
    selector: { matchExpressions: [{ ...nodeReady, operator: 'NotIn' }] },
    next: statusPatch(nodeInitializeTemplate),
  }),
  // Liveness comes from the node Lease kwok renews (--node-lease-duration-seconds), so status is rare.
  stageObject('node-heartbeat-with-lease', 'default', {
    resourceRef: node,
    selector: {
      matchExpressions: [
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { ...nodeReady, operator: 'In' },
      ],
    },
    delay: { durationMilliseconds: 600_000, jitterDurationMilliseconds: 610_000 },
    next: statusPatch(nodeHeartbeatTemplate),
  }),
  stageObject('pod-ready', 'default', {
    resourceRef: pod,
    selector: { matchExpressions: [isLive, notStarted] },
    next: statusPatch(podReadyTemplate),
  }),
  stageObject('pod-complete', 'default', {
    resourceRef: pod,
    selector: { matchExpressions: runningJobPod },
    next: statusPatch(podCompleteTemplate),
  }),
  stageObject('pod-delete', 'default', {
    resourceRef: pod,
    selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
    next: { finalizers: { empty: true }, delete: true },
  }),
];
