// schemathesis fuzzes the real API from its own /openapi.json: no 5xx, and every response (status,
// headers, body) as documented. The stores it creates are provisioned by a real worker. It works as
// one owner while another owner has stores, and no answer it gets may name one of those.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemathesisBin } from '../../dev/python-tools.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));

let worker: TestStoreWorker;
let api: TestApi;
let workDir: string;
// Rejecting invalid input with 413 (body over 16 KiB) or 431 (Node's 16 KiB limit on the request line
// and headers) is right too: schemathesis's default list lacks them. A pageToken the API did not hand
// out is a 400 however well-formed, and no schema can say which tokens were handed out.
// Every check runs (set here, not with --checks on the command line, which would override the
// per-operation settings below).
const config = `[checks]
enabled = true

# DELETE answers 202 and the store stays readable (phase Deleting, then Deleted) by design.
[checks.use_after_free]
enabled = false

# It takes any 2xx POST to a collection for a creation, and a dry-run create (POST /stores?dryRun=true)
# answers 200 and creates nothing, so a read of that id is rightly 404. Off for every operation: the
# check fails at the operation that follows the create (e.g. POST /stores/{id}/retry), so switching it
# off for POST /stores alone does not stop it. That a created store and its
# events and history read at once is checked in test/api/stores.test.ts.
[checks.ensure_resource_availability]
enabled = false

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, 431, "5xx"]

[[operations]]
include-name = "GET /stores"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 429, "5xx"]
`;
// An owner's key, not an admin's: the fleet upgrades the fuzzer starts then reach only the stores it
// created, not every store the other test files left running on this Temporal server.
const owner = `fuzz-${Date.now()}`;
const ownerKey = `${owner}-key`;
// The other tenant: its stores exist while the fuzzer runs, and must never show in what it is told.
const peer = { owner: `${owner}-peer`, key: `${owner}-peer-key`, stores: [storeId('fuzz-peer'), storeId('fuzz-peer')] };

beforeAll(async () => {
  worker = await startStoreWorker({ maxProvisionSeconds: 20 });
  // Auth on: the document requires a bearer key, and schemathesis checks that the API does too.
  // Hibernate, wake and a change are accepted or refused by the store in well under a second (they once
  // hung until the 503 when a change refused after its check had wedged the store; see
  // test/api/update-races.test.ts). The dry runs and usage reads run helm or read the cluster: up to
  // ~6 s measured with another test file beside this one on 2 cores, and more than 10 s with three
  // beside it on a machine half as fast. 30 s is the API's bound, below schemathesis's
  // --request-timeout, and no 5xx is exempt.
  api = await startApi({
    taskQueue: worker.taskQueue,
    auth: keyAuth({ [ownerKey]: owner, [peer.key]: peer.owner }),
    workerReadTimeoutMs: 30_000,
  });
  for (const id of peer.stores) {
    const created = await fetch(`${api.url}/api/v1/stores`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${peer.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId: id, engine: 'medusa' }),
    });
    expect(created.status, await created.text()).toBe(201);
  }
  // schemathesis and hypothesis write into their cwd: keep that out of the repo.
  workDir = mkdtempSync(join(tmpdir(), 'storefleet-fuzz-'));
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('fuzzing the API', () => {
  it('when schemathesis runs every check against every operation, then it finds no failure', async () => {
    const st = await schemathesisBin();
    writeFileSync(join(workDir, 'schemathesis.toml'), config);
    const har = join(workDir, 'fuzz.har');
    const result = await execa(
      st,
      [
        '--config-file',
        join(workDir, 'schemathesis.toml'),
        'run',
        `${api.url}/openapi.json`,
        '--url',
        `${api.url}/api/v1`,
        '--header',
        `Authorization: Bearer ${ownerKey}`,
        '--max-examples',
        '25',
        // An event stream never ends, so no response would ever be complete.
        '--exclude-path-regex',
        '/stream$',
        '--workers',
        '1',
        '--request-timeout',
        '40',
        '--generation-database',
        'none',
        '--output-sanitize',
        'false',
        // Every request and response of the run, for the tenant check below.
        '--report',
        'har',
        '--report-har-path',
        har,
        '--no-color',
      ],
      {
        cwd: workDir,
        reject: false,
        all: true,
        env: { NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' },
        timeout: 270_000,
      },
    );
    // Its summary reads "Test cases:\n  469 generated, ...".
    const cases = Number(/Test cases:\s+(\d+) generated/.exec(result.all)?.[1] ?? 0);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'fuzz-cases.txt'), `${cases}\n`);
    writeFileSync(join(resultsDir, 'fuzz-output.txt'), `${result.all}\n`);
    // Shown only when it failed: its closing line is pytest's ("== 2 warnings in 37.17s =="), which CI
    // would read as a test runner that ran nothing.
    if (result.exitCode !== 0) process.stdout.write(`${result.all}\n`);
    process.stdout.write(
      `[fuzz] schemathesis ran ${cases} cases (its output: ${join(resultsDir, 'fuzz-output.txt')})\n`,
    );
    expect(result.exitCode, 'schemathesis found failures; see its output above').toBe(0);
    expect(cases).toBeGreaterThan(0);

    const answers = answersIn(har);
    expect(
      answers.some((answer) => answer.includes('"storeId"')),
      'the report holds response bodies',
    ).toBe(true);
    for (const name of [...peer.stores, peer.owner])
      expect(
        answers.filter((answer) => answer.includes(name)),
        `answers naming ${name}`,
      ).toEqual([]);
    // The premise held: the peer's stores existed all along.
    for (const id of peer.stores)
      expect(
        (await fetch(`${api.url}/api/v1/stores/${id}`, { headers: { Authorization: `Bearer ${peer.key}` } })).status,
      ).toBe(200);
  }, 300_000);
});

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; headers: Array<{ name: string; value: string }>; content: { text?: string } };
}

/** Each response of a HAR file as one text: its request line, status, headers and body. */
function answersIn(harFile: string): string[] {
  const { log } = JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: HarEntry[] } };
  return log.entries.map(({ request, response }) =>
    [
      `${request.method} ${request.url} -> ${response.status}`,
      ...response.headers.map((h) => `${h.name}: ${h.value}`),
      response.content.text ?? '',
    ].join('\n'),
  );
}
