// The WooCommerce chart's setup script (charts/woocommerce/files/setup.sh) run by /bin/sh against a fake
// `php` that plays WP-CLI: where the plugin comes from (woocommerce.source), what happens when it cannot
// be had (woocommerce.required), and the outcome lines the worker reads from the termination message.
// The real wp-cli stand-in runs the same script in test/real/stand-in-images.test.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../charts/woocommerce/files/setup.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'storefleet-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `php -r ...` is the database wait; `php -d ... /usr/local/bin/wp --path=... <command>` is wp. Every wp
// command is appended to $CALLS. FAKE_* variables decide the answers.
const fakePhp = `#!/bin/sh
if [ "$1" = "-r" ]; then exit 0; fi
shift 4
echo "$*" >>"$CALLS"
case "$*" in
  "core is-installed") exit 0 ;;
  "user get"*) exit 0 ;;
  "option get permalink_structure") echo "/%postname%/"; exit 0 ;;
  "plugin is-installed woocommerce") exit "\${FAKE_INSTALLED:-1}" ;;
  "plugin is-active woocommerce") exit 1 ;;
  "plugin install"*)
    if [ -n "\${FAKE_INSTALL_ERROR:-}" ]; then printf '%s\\n' "Warning: something first" "$FAKE_INSTALL_ERROR" >&2; exit 1; fi
    echo "Success: Installed 1 of 1 plugins."; exit 0 ;;
  "plugin activate"*)
    if [ -n "\${FAKE_ACTIVATE_ERROR:-}" ]; then echo "$FAKE_ACTIVATE_ERROR" >&2; exit 1; fi
    exit 0 ;;
  "post list"*) exit 0 ;;
  *) exit 0 ;;
esac
`;
const bin = join(dir, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'php'), fakePhp);
chmodSync(join(bin, 'php'), 0o755);

let runs = 0;
async function runSetup(env: Record<string, string>) {
  const run = join(dir, `run-${++runs}`);
  mkdirSync(run);
  const calls = join(run, 'calls');
  const outcomeFile = join(run, 'termination-log');
  writeFileSync(calls, '');
  const result = await execa('/bin/sh', [script], {
    reject: false,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      TMPDIR: run,
      CALLS: calls,
      SETUP_OUTCOME_FILE: outcomeFile,
      WORDPRESS_DB_HOST: 'db',
      SITE_URL: 'http://demo1.localhost',
      SITE_TITLE: 'demo1',
      WP_ADMIN_USER: 'admin',
      WP_ADMIN_EMAIL: 'admin@demo1.store.invalid',
      WP_ADMIN_PASSWORD: 'secret-password',
      SAMPLE_NAME: 'Sample',
      SAMPLE_SKU: 'sample-1',
      SAMPLE_PRICE: '19.99',
      ...env,
    },
    extendEnv: false,
  });
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, calls: read(calls).trim().split('\n'), outcome: read(outcomeFile) };
}

const standInError = "Error: 'woocommerce' cannot be installed here: storefleet's wp stand-in installs plugins only from a .zip file or a URL, and never contacts wordpress.org";
const shopSteps = (calls: string[]) => calls.filter((c) => /woocommerce_cod_settings|^wc product create/.test(c));

describe('the WooCommerce setup script', () => {
  it.each<[string, Record<string, string>, { exitCode: number; install: string; outcome: string; shop: boolean }]>([
    [
      'the default source installs the pinned version by slug and reports WooCommerce done',
      { WC_VERSION: '10.3.0' },
      { exitCode: 0, install: 'plugin install woocommerce --version=10.3.0 --activate', outcome: 'wordpress: done\nwoocommerce: done\n', shop: true },
    ],
    [
      'a URL source installs that zip, without a version',
      { WC_VERSION: '10.3.0', WC_SOURCE: 'https://mirror.internal/woocommerce.10.3.0.zip' },
      { exitCode: 0, install: 'plugin install https://mirror.internal/woocommerce.10.3.0.zip --activate', outcome: 'wordpress: done\nwoocommerce: done\n', shop: true },
    ],
    [
      'a path source installs the zip file',
      { WC_SOURCE: '/plugins/woocommerce.zip', WC_REQUIRED: 'false' },
      { exitCode: 0, install: 'plugin install /plugins/woocommerce.zip --activate', outcome: 'wordpress: done\nwoocommerce: done\n', shop: true },
    ],
    [
      'the plugin cannot be had and it is required (the default): the Job fails and says why, never done',
      { WC_VERSION: '10.3.0', FAKE_INSTALL_ERROR: standInError },
      {
        exitCode: 1,
        install: 'plugin install woocommerce --version=10.3.0 --activate',
        outcome: `wordpress: done\nwoocommerce: failed: wp plugin install: ${standInError.replace('Error: ', '')}\n`,
        shop: false,
      },
    ],
    [
      'the plugin cannot be had and it is not required: WordPress is finished, WooCommerce skipped with the reason',
      { WC_VERSION: '10.3.0', WC_REQUIRED: 'false', FAKE_INSTALL_ERROR: standInError },
      {
        exitCode: 0,
        install: 'plugin install woocommerce --version=10.3.0 --activate',
        outcome: `wordpress: done\nwoocommerce: skipped: wp plugin install: ${standInError.replace('Error: ', '')}\n`,
        shop: false,
      },
    ],
    [
      'the failure has no "Error:" line: its last line is the reason',
      { WC_REQUIRED: 'false', WC_SOURCE: 'https://mirror.internal/wc.zip', FAKE_INSTALL_ERROR: 'Download failed. Could not resolve host: mirror.internal' },
      { exitCode: 0, install: 'plugin install https://mirror.internal/wc.zip --activate', outcome: 'wordpress: done\nwoocommerce: skipped: wp plugin install: Download failed. Could not resolve host: mirror.internal\n', shop: false },
    ],
  ])('when %s', async (_name, env, expected) => {
    const run = await runSetup(env);
    expect(run.exitCode, run.stdout + run.stderr).toBe(expected.exitCode);
    expect(run.calls).toContain(expected.install);
    expect(run.outcome).toBe(expected.outcome);
    expect(shopSteps(run.calls).length > 0).toBe(expected.shop);
    // WordPress itself is always finished first: core, administrator, permalinks.
    expect(run.calls.slice(0, 3)).toEqual(['core is-installed', 'user get admin --field=ID', 'option get permalink_structure']);
    // The plugin's error output still reaches the log (stderr), where a log tail finds it.
    if (env.FAKE_INSTALL_ERROR) expect(run.stderr).toContain(env.FAKE_INSTALL_ERROR);
    expect(run.stdout + run.stderr).not.toContain('secret-password');
  });

  it('when WooCommerce is installed but cannot be activated (a WordPress too old for it) and not required, then it is skipped with the reason', async () => {
    const run = await runSetup({ FAKE_INSTALLED: '0', WC_REQUIRED: 'false', FAKE_ACTIVATE_ERROR: 'Error: No plugins activated.' });
    expect(run.exitCode).toBe(0);
    expect(run.calls).toContain('plugin activate woocommerce');
    expect(run.outcome).toBe('wordpress: done\nwoocommerce: skipped: wp plugin activate: No plugins activated.\n');
    expect(shopSteps(run.calls)).toEqual([]);
    expect(run.stdout).toContain('[setup] skipped WooCommerce');
    expect(run.stdout).not.toMatch(/^\[setup\] done/m);
  });

  it('when the reason is very long, then the outcome line stays bounded (a termination message holds 4 KiB)', async () => {
    const run = await runSetup({ WC_REQUIRED: 'false', FAKE_INSTALL_ERROR: `Error: ${'x'.repeat(5000)}` });
    expect(run.exitCode).toBe(0);
    expect(run.outcome.length).toBeLessThan(700);
    expect(run.outcome).toMatch(/^wordpress: done\nwoocommerce: skipped: wp plugin install: x+\n$/);
  });
});
