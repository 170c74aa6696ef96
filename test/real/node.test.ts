// Everything that needs the real node, in one file: its suites take the node one after another in one
// test worker (a second file would hold a worker idle while it waits for its turn), and the suite
// sequencer (test/harness/sequencer.ts) starts this file first, since it is the longest.
// One suite alone: `STOREFLEET_REAL_NODE=1 npm test -- test/real/node.test.ts -t Medusa`.
import './stores.suite.js';
import './medusa.suite.js';
import './local-node.suite.js';
