// What only the tests need: kubectl (Store objects are tested the way operators drive them), and
// Temporal's time-skipping test server, so workflow rules with long timers (the drift check, the
// provisioning deadline) run in seconds. The SDK would download the server; here it is the same server's
// Java build from Maven Central, fetched by Maven and run on the JVM. `npm test` gets both when missing.
import type { Component } from './components.js';
import { kubectlComponent } from './local-components.js';

export const TEST_SERVER_VERSION = '1.31.0';

export const testComponents: Component[] = [
  {
    name: 'temporal-test-server',
    version: `v${TEST_SERVER_VERSION}`,
    binaries: ['temporal-test-server'],
    versionArgs: ['--version'],
    versionText: `temporal-test-server ${TEST_SERVER_VERSION}`,
    build: {
      kind: 'maven',
      artifact: { groupId: 'io.temporal', artifactId: 'temporal-test-server', version: TEST_SERVER_VERSION },
      mainClass: 'io.temporal.testserver.TestServer',
    },
    buildCommand: 'npm test',
    coldBuildMinutes: 1,
  },
  kubectlComponent,
];
