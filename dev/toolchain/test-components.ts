// What only the tests need: kubectl (Store objects are tested the way operators drive them),
// cert-manager's controller (store certificates issued for real), promtool (the chart's alert rules
// checked and unit-tested), and
// Temporal's time-skipping test server, so workflow rules with long timers (the drift check, the
// provisioning deadline) run in seconds. The SDK would download the server; here it is the same server's
// Java build from Maven Central, fetched by Maven and run on the JVM. `npm test` gets both when missing.
import { modulesDir, type Component } from './components.js';
import { kubectlComponent } from './local-components.js';

export const TEST_SERVER_VERSION = '1.31.0';
export const CERT_MANAGER_VERSION = 'v1.11.5';
/** Prometheus 3.16.0: its Go module numbers release 3.x.y as v0.3xx.y. */
export const PROMTOOL_VERSION = '3.16.0';
const prometheusModuleVersion = 'v0.316.0';

export const testComponents: Component[] = [
  {
    name: 'temporal-test-server',
    version: `v${TEST_SERVER_VERSION}`,
    binaries: ['temporal-test-server'],
    versionArgs: ['--version'],
    // The launcher says so only since it maps a startup archive: an older build is built again.
    versionText: `temporal-test-server ${TEST_SERVER_VERSION} (startup archive)`,
    build: {
      kind: 'maven',
      artifact: { groupId: 'io.temporal', artifactId: 'temporal-test-server', version: TEST_SERVER_VERSION },
      mainClass: 'io.temporal.testserver.TestServer',
      listenArgs: (port) => [String(port)],
    },
    buildCommand: 'npm test',
    coldBuildMinutes: 1,
  },
  kubectlComponent,
  {
    name: 'cert-manager',
    version: CERT_MANAGER_VERSION,
    binaries: ['cert-manager-controller'],
    // It has no version flag; its help shows the version the build stamped in (in a default image tag).
    versionArgs: ['--help'],
    versionText: `cert-manager-acmesolver:${CERT_MANAGER_VERSION}`,
    build: {
      kind: 'module',
      dir: `${modulesDir}cert-manager`,
      packages: ['github.com/cert-manager/cert-manager/cmd/controller'],
      ldflags: `-X github.com/cert-manager/cert-manager/pkg/util.AppVersion=${CERT_MANAGER_VERSION}`,
      // Its CustomResourceDefinitions, beside bin/ as crds/ (templated labels the tests drop).
      copy: { module: 'github.com/cert-manager/cert-manager', from: 'deploy/crds', to: 'crds' },
    },
    lowPriority: true,
    buildCommand: 'npm test',
    coldBuildMinutes: 4,
  },
  {
    name: 'promtool',
    version: `v${PROMTOOL_VERSION}`,
    binaries: ['promtool'],
    versionArgs: ['--version'],
    versionText: `promtool, version ${PROMTOOL_VERSION}`,
    build: {
      kind: 'install',
      packages: [`github.com/prometheus/prometheus/cmd/promtool@${prometheusModuleVersion}`],
      ldflags: `-X github.com/prometheus/common/version.Version=${PROMTOOL_VERSION}`,
    },
    lowPriority: true,
    buildCommand: 'npm test',
    coldBuildMinutes: 7,
  },
];
