import type { V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  assessReadiness,
  commerceFinding,
  describeReport,
  logTargets,
  parseSetupOutcome,
  statefulSetsLackingPods,
  type Workloads,
} from './readiness-report.js';

const deployment = (name: string, ready: number, extra: Partial<V1Deployment['status']> = {}): V1Deployment => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 1, selector: {}, template: {} },
  status: { observedGeneration: 1, updatedReplicas: ready, availableReplicas: ready, readyReplicas: ready, ...extra },
});
const statefulSet = (name: string, ready: number, created = 1): V1StatefulSet => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 1, selector: {}, template: {}, serviceName: name },
  status: { observedGeneration: 1, readyReplicas: ready, availableReplicas: ready, replicas: created },
});
const job = (name: string, condition?: string): V1Job => ({
  metadata: { name },
  status: condition
    ? {
        conditions: [
          { type: condition, status: 'True', reason: condition === 'Failed' ? 'BackoffLimitExceeded' : undefined },
        ],
      }
    : {},
});
const waitingPod = (name: string, reason: string): V1Pod => ({
  metadata: { name },
  status: {
    phase: 'Pending',
    containerStatuses: [
      {
        name: 'app',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason, message: 'Back-off pulling image "x"' } },
      },
    ],
  },
});
const unschedulablePod = (name: string): V1Pod => ({
  metadata: { name },
  status: {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' },
    ],
  },
});
const none: Workloads = { deployments: [], statefulSets: [], jobs: [], pods: [] };

// Kubelet's own statuses on a real node, as they appear in pod status.
type ContainerStatus = NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number];
const kubeletPod = (
  name: string,
  container: Partial<ContainerStatus> & { name: string },
  phase = 'Pending',
  init = false,
): V1Pod => {
  const status: ContainerStatus = {
    image: 'localhost/storefleet/wordpress:6.1.9-abc',
    imageID: '',
    ready: false,
    restartCount: 0,
    ...container,
  };
  return {
    metadata: { name },
    status: { phase, ...(init ? { initContainerStatuses: [status] } : { containerStatuses: [status] }) },
  };
};
const neverPull = kubeletPod('web-1', {
  name: 'wordpress',
  state: {
    waiting: {
      reason: 'ErrImageNeverPull',
      message: 'Container image "localhost/storefleet/wordpress:6.1.9-abc" is not present with pull policy of Never',
    },
  },
});
const pullFailed = (reason: 'ErrImagePull' | 'ImagePullBackOff') =>
  kubeletPod('db-0', {
    name: 'mariadb',
    state: {
      waiting: {
        reason,
        message:
          reason === 'ErrImagePull'
            ? 'failed to pull and unpack image "docker.io/library/mariadb:11.8.8": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused'
            : 'Back-off pulling image "docker.io/library/mariadb:11.8.8"',
      },
    },
  });
const crashLooping = kubeletPod(
  'web-1',
  {
    name: 'wordpress',
    restartCount: 4,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: 'back-off 1m20s restarting failed container=wordpress pod=web-1_store-demo1(uid)',
      },
    },
    lastState: { terminated: { exitCode: 1, reason: 'Error' } },
  },
  'Running',
);
// The same crash loop, looked at between two back-offs: just ended, and running again (not ready yet).
const justCrashed = kubeletPod(
  'web-1',
  { name: 'wordpress', restartCount: 4, state: { terminated: { exitCode: 1, reason: 'Error' } } },
  'Running',
);
const runningAfterCrash = (ready: boolean) =>
  kubeletPod(
    'web-1',
    {
      name: 'wordpress',
      ready,
      restartCount: 5,
      state: { running: {} },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    },
    'Running',
  );
const jobPod = (
  name: string,
  job: string,
  phase: 'Succeeded' | 'Failed',
  terminated: { exitCode: number; reason?: string; message?: string },
  created = '2025-01-01T00:00:00Z',
): V1Pod => ({
  metadata: {
    name,
    creationTimestamp: new Date(created),
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job, uid: `uid-${job}` }],
  },
  status: {
    phase,
    containerStatuses: [
      { name: 'setup', image: 'wp-cli', imageID: '', ready: false, restartCount: 0, state: { terminated } },
    ],
  },
});
const setupJob = (name: string, condition: 'Complete' | 'Failed', created = '2025-01-01T00:00:00Z'): V1Job => ({
  ...job(name, condition),
  metadata: {
    name,
    uid: `uid-${name}`,
    creationTimestamp: new Date(created),
    labels: { 'app.kubernetes.io/component': 'setup' },
  },
});

describe('assessReadiness', () => {
  it.each<
    [
      string,
      Workloads,
      {
        ready: boolean;
        summary?: string;
        problems?: string[];
        waitingFor?: string[];
        failedJobs?: string[];
        fatal?: string[];
      },
    ]
  >([
    [
      'when every workload is ready, then the store is ready',
      {
        ...none,
        deployments: [deployment('web', 1)],
        statefulSets: [statefulSet('db', 1)],
        jobs: [job('setup', 'Complete')],
      },
      { ready: true, summary: '3/3 workloads ready' },
    ],
    [
      'when every workload is ready but the certificate is not issued yet, then the store waits for its Secret',
      {
        ...none,
        deployments: [deployment('web', 1)],
        tlsSecrets: [{ name: 'woocommerce-shop1-tls', exists: false }],
      },
      {
        ready: false,
        summary: '1/1 workloads ready, 0/1 certificates issued',
        waitingFor: ['certificate Secret woocommerce-shop1-tls (issued by cert-manager)'],
      },
    ],
    [
      'when every workload is ready and the certificate is issued, then the store is ready',
      { ...none, deployments: [deployment('web', 1)], tlsSecrets: [{ name: 'woocommerce-shop1-tls', exists: true }] },
      { ready: true, summary: '1/1 workloads ready, 1/1 certificates issued' },
    ],
    [
      'when there are no workloads yet, then it waits for the release',
      none,
      { ready: false, summary: '0/0 workloads ready', waitingFor: ['the release to create its workloads'] },
    ],
    [
      'when the database is not ready, then it waits for it',
      { ...none, deployments: [deployment('web', 1)], statefulSets: [statefulSet('db', 0)] },
      { ready: false, summary: '1/2 workloads ready', waitingFor: ['statefulset db'] },
    ],
    [
      "when the database's controller has not created its pod, then the wait says so",
      { ...none, statefulSets: [statefulSet('db', 0, 0)] },
      {
        ready: false,
        summary: '0/1 workloads ready',
        waitingFor: ['statefulset db (0 of 1 pods created)'],
        problems: [],
      },
    ],
    [
      "when the database's pod was refused (a FailedCreate event), then the refusal is a finding",
      {
        ...none,
        statefulSets: [statefulSet('db', 0, 0)],
        creationFailures: {
          db: 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: store-quota',
        },
      },
      {
        ready: false,
        summary: '0/1 workloads ready',
        waitingFor: ['statefulset db (0 of 1 pods created)'],
        problems: [
          'statefulset db: FailedCreate: create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: store-quota',
        ],
      },
    ],
    [
      'when a pod cannot pull its image, then the finding names the pod, container and reason',
      { ...none, deployments: [deployment('web', 0)], pods: [waitingPod('web-1', 'ImagePullBackOff')] },
      {
        ready: false,
        summary: '0/1 workloads ready',
        problems: ['pod web-1: container app: ImagePullBackOff: Back-off pulling image "x"'],
      },
    ],
    [
      'when a pod is unschedulable, then the finding says so',
      { ...none, deployments: [deployment('web', 0)], pods: [unschedulablePod('web-1')] },
      { ready: false, summary: '0/1 workloads ready', problems: ['pod web-1: Unschedulable: 0/3 nodes are available'] },
    ],
    [
      'when a pod is merely starting, then there is no problem yet',
      { ...none, deployments: [deployment('web', 0)], pods: [waitingPod('web-1', 'ContainerCreating')] },
      { ready: false, summary: '0/1 workloads ready', problems: [] },
    ],
    [
      'when the setup job failed, then the finding names it',
      { ...none, jobs: [job('setup', 'Failed')] },
      {
        ready: false,
        summary: '0/1 workloads ready',
        problems: ['job setup: BackoffLimitExceeded:'],
        failedJobs: ['setup'],
      },
    ],
    [
      'when a failed job is being deleted, then it is no verdict yet',
      { ...none, jobs: [{ ...job('setup', 'Failed'), metadata: { name: 'setup', deletionTimestamp: new Date() } }] },
      { ready: false, failedJobs: [], summary: '0/1 workloads ready' },
    ],
    [
      'when the pods are merely waiting, then no job failed',
      { ...none, deployments: [deployment('web', 0)] },
      { ready: false, summary: '0/1 workloads ready', failedJobs: [] },
    ],
    [
      'when the quota rejects pods, then the deployment failure is a finding',
      {
        ...none,
        deployments: [
          deployment('web', 0, {
            conditions: [
              {
                type: 'ReplicaFailure',
                status: 'True',
                reason: 'FailedCreate',
                message: 'exceeded quota: store-quota',
              },
            ],
          }),
        ],
      },
      {
        ready: false,
        summary: '0/1 workloads ready',
        problems: ['deployment web: FailedCreate: exceeded quota: store-quota'],
      },
    ],
    [
      "when the image is not on the node and its pull policy is Never, then kubelet's reason is reported as is and is fatal",
      { ...none, deployments: [deployment('web', 0)], pods: [neverPull] },
      {
        ready: false,
        summary: '0/1 workloads ready',
        problems: [
          'pod web-1: container wordpress: ErrImageNeverPull: Container image "localhost/storefleet/wordpress:6.1.9-abc" is not present with pull policy of Never',
        ],
        fatal: [
          'pod web-1: container wordpress: ErrImageNeverPull: Container image "localhost/storefleet/wordpress:6.1.9-abc" is not present with pull policy of Never',
        ],
      },
    ],
    [
      "when an init container's image name is invalid, then that is fatal too",
      {
        ...none,
        jobs: [job('setup')],
        pods: [
          kubeletPod(
            'setup-x',
            {
              name: 'wordpress-core',
              state: {
                waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "Bad:Name"' },
              },
            },
            'Pending',
            true,
          ),
        ],
      },
      {
        ready: false,
        summary: '0/1 workloads ready',
        fatal: [
          'pod setup-x: container wordpress-core: InvalidImageName: Failed to apply default image tag "Bad:Name"',
        ],
      },
    ],
    [
      'when a pull fails (ErrImagePull), then it is reported as is, and it waits: a registry may come back',
      { ...none, statefulSets: [statefulSet('db', 0)], pods: [pullFailed('ErrImagePull')] },
      {
        ready: false,
        problems: [
          'pod db-0: container mariadb: ErrImagePull: failed to pull and unpack image "docker.io/library/mariadb:11.8.8": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused',
        ],
        fatal: [],
      },
    ],
    [
      'when kubelet backs off pulling (ImagePullBackOff), then it is reported as is, and it waits',
      { ...none, statefulSets: [statefulSet('db', 0)], pods: [pullFailed('ImagePullBackOff')] },
      {
        ready: false,
        problems: [
          'pod db-0: container mariadb: ImagePullBackOff: Back-off pulling image "docker.io/library/mariadb:11.8.8"',
        ],
        fatal: [],
      },
    ],
    [
      'when a container crash-loops and its log could be read, then the finding says how its last run ended and its last log lines',
      {
        ...none,
        deployments: [deployment('web', 0)],
        pods: [crashLooping],
        logTails: { 'web-1/wordpress': 'AH00534: apache2: Configuration error | exit' },
      },
      {
        ready: false,
        problems: [
          'pod web-1: container wordpress: CrashLoopBackOff: back-off 1m20s restarting failed container=wordpress pod=web-1_store-demo1(uid) (restarted 4 times, last exit code 1: Error); last log lines: AH00534: apache2: Configuration error | exit',
        ],
        fatal: [],
      },
    ],
    [
      'when a container crash-loops and no log could be read (kwok), then the finding has no tail',
      { ...none, deployments: [deployment('web', 0)], pods: [crashLooping] },
      {
        ready: false,
        problems: [
          'pod web-1: container wordpress: CrashLoopBackOff: back-off 1m20s restarting failed container=wordpress pod=web-1_store-demo1(uid) (restarted 4 times, last exit code 1: Error)',
        ],
      },
    ],
    [
      'when a crash-looping container has just ended, not yet in CrashLoopBackOff, then the finding still says it is crashing, with its log',
      {
        ...none,
        deployments: [deployment('web', 0)],
        pods: [justCrashed],
        logTails: { 'web-1/wordpress': 'error: database is uninitialized' },
      },
      {
        ready: false,
        problems: [
          'pod web-1: container wordpress: crashing (restarted 4 times, last exit code 1: Error); last log lines: error: database is uninitialized',
        ],
      },
    ],
    [
      'when a container that crashed runs again but is not ready, then the finding says it is crashing and how its last run ended',
      { ...none, deployments: [deployment('web', 0)], pods: [runningAfterCrash(false)] },
      {
        ready: false,
        problems: ['pod web-1: container wordpress: crashing (restarted 5 times, last exit code 1: Error)'],
      },
    ],
    [
      'when a container that crashed once is ready again, or an init container has completed, then nothing is wrong with it',
      {
        ...none,
        deployments: [deployment('web', 0)],
        pods: [
          runningAfterCrash(true),
          kubeletPod(
            'web-2',
            { name: 'wait-for-db', ready: true, restartCount: 1, state: { terminated: { exitCode: 0 } } },
            'Running',
            true,
          ),
        ],
      },
      { ready: false, problems: [] },
    ],
    [
      'when the setup Job failed, then the finding names its last pod, the exit code and the log tail',
      {
        ...none,
        jobs: [setupJob('setup-abc', 'Failed')],
        pods: [
          jobPod('setup-abc-old', 'setup-abc', 'Failed', { exitCode: 1, reason: 'Error' }, '2025-01-01T00:00:00Z'),
          jobPod('setup-abc-new', 'setup-abc', 'Failed', { exitCode: 1, reason: 'Error' }, '2025-01-01T00:01:00Z'),
        ],
        logTails: {
          'setup-abc-new/setup':
            "[setup] installing WooCommerce 10.3.0 | Error: 'woocommerce' cannot be installed here",
        },
      },
      {
        ready: false,
        failedJobs: ['setup-abc'],
        problems: [
          'job setup-abc: BackoffLimitExceeded:',
          "pod setup-abc-new: container setup: exit code 1 (Error); last log lines: [setup] installing WooCommerce 10.3.0 | Error: 'woocommerce' cannot be installed here",
        ],
      },
    ],
  ])('%s', (_name, workloads, expected) => {
    expect(assessReadiness(workloads)).toMatchObject(expected);
  });

  it('when containers crash or a Job failed, then their logs are worth reading: the previous run of a crash loop, the last pod of a failed Job', () => {
    const workloads: Workloads = {
      ...none,
      jobs: [setupJob('setup-abc', 'Failed')],
      pods: [
        crashLooping,
        neverPull,
        jobPod('setup-abc-1', 'setup-abc', 'Failed', { exitCode: 2 }),
        { ...crashLooping, metadata: { name: 'gone', deletionTimestamp: new Date() } },
      ],
    };
    expect(logTargets(workloads)).toEqual([
      { pod: 'web-1', container: 'wordpress', previous: true, key: 'web-1/wordpress#4' },
      { pod: 'setup-abc-1', container: 'setup', previous: false, key: 'setup-abc-1/setup' },
    ]);
    expect(logTargets({ ...none, deployments: [deployment('web', 1)], pods: [neverPull] })).toEqual([]);
  });

  it('when a crash loop is looked at between back-offs, then the log read is of the run that crashed, named by its number', () => {
    const target = (pod: V1Pod) => logTargets({ ...none, pods: [pod] });
    // Run 4 ended: read it as the current run; in back-off it is the previous one, with the same key.
    expect(target(justCrashed)).toEqual([
      { pod: 'web-1', container: 'wordpress', previous: false, key: 'web-1/wordpress#4' },
    ]);
    expect(target(crashLooping)).toEqual([
      { pod: 'web-1', container: 'wordpress', previous: true, key: 'web-1/wordpress#4' },
    ]);
    // Run 5 started: run 4 is now the previous one.
    expect(target(runningAfterCrash(false))).toEqual([
      { pod: 'web-1', container: 'wordpress', previous: true, key: 'web-1/wordpress#4' },
    ]);
    expect(target(runningAfterCrash(true))).toEqual([]);
  });

  it('when a StatefulSet has fewer pods than it wants, then it is the one whose events are worth reading', () => {
    expect(
      statefulSetsLackingPods({
        ...none,
        statefulSets: [statefulSet('db', 0, 0), statefulSet('cache', 0, 1), statefulSet('ok', 1)],
      }),
    ).toEqual(['db']);
  });

  it('when there are problems, then the description lists them rather than what is awaited', () => {
    const report = assessReadiness({
      ...none,
      deployments: [deployment('web', 0)],
      pods: [waitingPod('web-1', 'CrashLoopBackOff')],
    });
    expect(describeReport(report)).toBe('pod web-1: container app: CrashLoopBackOff: Back-off pulling image "x"');
    expect(describeReport(assessReadiness({ ...none, deployments: [deployment('web', 0)] }))).toBe(
      'waiting for deployment web',
    );
  });
});

describe('the setup outcome and the commerce finding', () => {
  it.each<[string, string | undefined, ReturnType<typeof parseSetupOutcome>]>([
    [
      'a full setup',
      'wordpress: done\nwoocommerce: done\n',
      { wordpress: { state: 'done' }, woocommerce: { state: 'done' } },
    ],
    [
      'a skipped plugin, with its reason',
      "wordpress: done\nwoocommerce: skipped: wp plugin install: 'woocommerce' cannot be installed here: it never contacts wordpress.org",
      {
        wordpress: { state: 'done' },
        woocommerce: {
          state: 'skipped',
          reason: "wp plugin install: 'woocommerce' cannot be installed here: it never contacts wordpress.org",
        },
      },
    ],
    [
      'noise around the lines',
      'some log line\nwoocommerce: failed: Download failed.\n\n',
      { woocommerce: { state: 'failed', reason: 'Download failed.' } },
    ],
    ['no message', undefined, {}],
  ])('when the termination message is %s, then it parses by part', (_name, message, parts) => {
    expect(parseSetupOutcome(message)).toEqual(parts);
  });

  const ready = (pods: V1Pod[], jobs = [setupJob('setup-abc', 'Complete')]): Workloads => ({
    ...none,
    deployments: [deployment('web', 1)],
    jobs,
    pods,
  });
  it.each<[string, Workloads, { status: string; reason: string; message: RegExp }]>([
    [
      'the setup Job reported WooCommerce done',
      ready([jobPod('p1', 'setup-abc', 'Succeeded', { exitCode: 0, message: 'wordpress: done\nwoocommerce: done\n' })]),
      {
        status: 'True',
        reason: 'CommerceReady',
        message: /WooCommerce is installed and active \(setup Job setup-abc\)/,
      },
    ],
    [
      'the setup Job skipped WooCommerce',
      ready([
        jobPod('p1', 'setup-abc', 'Succeeded', {
          exitCode: 0,
          message: 'wordpress: done\nwoocommerce: skipped: never contacts wordpress.org\n',
        }),
      ]),
      {
        status: 'False',
        reason: 'PluginUnavailable',
        message:
          /^setup Job setup-abc skipped WooCommerce, so the store is a WordPress site without a shop: never contacts wordpress.org$/,
      },
    ],
    [
      'the setup pod ran no script (kwok: no message)',
      ready([jobPod('p1', 'setup-abc', 'Succeeded', { exitCode: 0 })]),
      { status: 'Unknown', reason: 'SetupOutcomeUnknown', message: /completed without reporting how WooCommerce went/ },
    ],
    [
      'the setup pods are gone',
      ready([]),
      { status: 'Unknown', reason: 'SetupOutcomeUnknown', message: /pods of setup Job setup-abc are gone/ },
    ],
    [
      'there is no setup Job',
      ready([], []),
      { status: 'Unknown', reason: 'SetupOutcomeUnknown', message: /no completed setup Job/ },
    ],
    [
      'an older Job said done and the newest skipped',
      ready(
        [
          jobPod('old', 'setup-old', 'Succeeded', { exitCode: 0, message: 'woocommerce: done' }),
          jobPod(
            'new',
            'setup-new',
            'Succeeded',
            { exitCode: 0, message: 'woocommerce: skipped: gone' },
            '2025-02-01T00:00:00Z',
          ),
        ],
        [setupJob('setup-old', 'Complete'), setupJob('setup-new', 'Complete', '2025-02-01T00:00:00Z')],
      ),
      { status: 'False', reason: 'PluginUnavailable', message: /setup Job setup-new skipped WooCommerce.*: gone$/ },
    ],
  ])('when %s, then CommerceReady follows', (_name, workloads, expected) => {
    const finding = commerceFinding('woocommerce', workloads);
    expect(finding).toMatchObject({ status: expected.status, reason: expected.reason });
    expect(finding.message).toMatch(expected.message);
  });

  it('when the store is a Medusa store, then its commerce is its server', () => {
    expect(commerceFinding('medusa', none)).toMatchObject({ status: 'True', reason: 'CommerceReady' });
  });
});
