import type { V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { assessReadiness, describeReport, type Workloads } from './readiness-report.js';

const deployment = (name: string, ready: number, extra: Partial<V1Deployment['status']> = {}): V1Deployment => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 1, selector: {}, template: {} },
  status: { observedGeneration: 1, updatedReplicas: ready, availableReplicas: ready, readyReplicas: ready, ...extra },
});
const statefulSet = (name: string, ready: number): V1StatefulSet => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 1, selector: {}, template: {}, serviceName: name },
  status: { observedGeneration: 1, readyReplicas: ready, availableReplicas: ready, replicas: 1 },
});
const job = (name: string, condition?: string): V1Job => ({
  metadata: { name },
  status: condition ? { conditions: [{ type: condition, status: 'True', reason: condition === 'Failed' ? 'BackoffLimitExceeded' : undefined }] } : {},
});
const waitingPod = (name: string, reason: string): V1Pod => ({
  metadata: { name },
  status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message: 'Back-off pulling image "x"' } } }] },
});
const unschedulablePod = (name: string): V1Pod => ({
  metadata: { name },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] },
});
const none: Workloads = { deployments: [], statefulSets: [], jobs: [], pods: [] };

describe('assessReadiness', () => {
  it.each<[string, Workloads, { ready: boolean; summary: string; problems?: string[]; waitingFor?: string[]; failedJobs?: string[] }]>([
    ['when every workload is ready, then the store is ready', { ...none, deployments: [deployment('web', 1)], statefulSets: [statefulSet('db', 1)], jobs: [job('setup', 'Complete')] }, { ready: true, summary: '3/3 workloads ready' }],
    ['when there are no workloads yet, then it waits for the release', none, { ready: false, summary: '0/0 workloads ready', waitingFor: ['the release to create its workloads'] }],
    ['when the database is not ready, then it waits for it', { ...none, deployments: [deployment('web', 1)], statefulSets: [statefulSet('db', 0)] }, { ready: false, summary: '1/2 workloads ready', waitingFor: ['statefulset db'] }],
    ['when a pod cannot pull its image, then the finding names the pod, container and reason', { ...none, deployments: [deployment('web', 0)], pods: [waitingPod('web-1', 'ImagePullBackOff')] }, { ready: false, summary: '0/1 workloads ready', problems: ['pod web-1: container app: ImagePullBackOff: Back-off pulling image "x"'] }],
    ['when a pod is unschedulable, then the finding says so', { ...none, deployments: [deployment('web', 0)], pods: [unschedulablePod('web-1')] }, { ready: false, summary: '0/1 workloads ready', problems: ['pod web-1: Unschedulable: 0/3 nodes are available'] }],
    ['when a pod is merely starting, then there is no problem yet', { ...none, deployments: [deployment('web', 0)], pods: [waitingPod('web-1', 'ContainerCreating')] }, { ready: false, summary: '0/1 workloads ready', problems: [] }],
    ['when the setup job failed, then the finding names it', { ...none, jobs: [job('setup', 'Failed')] }, { ready: false, summary: '0/1 workloads ready', problems: ['job setup: BackoffLimitExceeded:'], failedJobs: ['setup'] }],
    ['when a failed job is being deleted, then it is no verdict yet', { ...none, jobs: [{ ...job('setup', 'Failed'), metadata: { name: 'setup', deletionTimestamp: new Date() } }] }, { ready: false, failedJobs: [] , summary: '0/1 workloads ready' }],
    ['when the pods are merely waiting, then no job failed', { ...none, deployments: [deployment('web', 0)] }, { ready: false, summary: '0/1 workloads ready', failedJobs: [] }],
    [
      'when the quota rejects pods, then the deployment failure is a finding',
      { ...none, deployments: [deployment('web', 0, { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota: store-quota' }] })] },
      { ready: false, summary: '0/1 workloads ready', problems: ['deployment web: FailedCreate: exceeded quota: store-quota'] },
    ],
  ])('%s', (_name, workloads, expected) => {
    expect(assessReadiness(workloads)).toMatchObject(expected);
  });

  it('when there are problems, then the description lists them rather than what is awaited', () => {
    const report = assessReadiness({ ...none, deployments: [deployment('web', 0)], pods: [waitingPod('web-1', 'CrashLoopBackOff')] });
    expect(describeReport(report)).toBe('pod web-1: container app: CrashLoopBackOff: Back-off pulling image "x"');
    expect(describeReport(assessReadiness({ ...none, deployments: [deployment('web', 0)] }))).toBe('waiting for deployment web');
  });
});
