// The Medusa chart's setup script (charts/medusa/files/setup.sh) run by /bin/sh against a fake `medusa`
// that records its arguments: the admin's credentials reach the CLI attached to their options, so a
// generated password that starts with "-" is not read as more flags (the CLI's parser then gave the
// admin an empty password, and the store's own credentials were refused). The real CLI runs the same
// script in test/real/medusa.suite.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../charts/medusa/files/setup.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'storefleet-medusa-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each call's arguments, one per line, then a blank line.
const fakeMedusa = `#!/bin/sh
for arg in "$@"; do printf '%s\\n' "$arg" >>"$CALLS"; done
echo >>"$CALLS"
`;

describe('the Medusa setup script', () => {
  it.each(['-Ab3_dashFirst0123456789xyzQ', '_underscoreFirst-0123456789xy', 'plainPassword0123456789abcd'])(
    'when the admin password is %s, then `medusa user` gets it whole as --password and the log never shows it',
    async (password) => {
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'medusa'), fakeMedusa);
      chmodSync(join(bin, 'medusa'), 0o755);
      const calls = join(dir, `calls-${password.length}-${password.charCodeAt(0)}`);
      writeFileSync(calls, '');
      const run = await execa('/bin/sh', [script], {
        reject: false,
        env: {
          PATH: `${bin}:/usr/bin:/bin`,
          CALLS: calls,
          ADMIN_EMAIL: 'admin@demo1.localhost',
          ADMIN_PASSWORD: password,
          STORE_URL: 'http://demo1.localhost',
        },
      });
      expect(run.exitCode, run.stderr).toBe(0);
      const invocations = readFileSync(calls, 'utf8')
        .split('\n\n')
        .filter(Boolean)
        .map((call) => call.split('\n'));
      expect(invocations.find((args) => args[0] === 'user')).toEqual([
        'user',
        '--email=admin@demo1.localhost',
        `--password=${password}`,
      ]);
      expect(`${run.stdout}\n${run.stderr}`).not.toContain(password);
    },
  );
});
