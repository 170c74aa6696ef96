// The stand-in images (images/mariadb, images/wordpress, images/wp-cli) do what the store chart needs
// of the official ones, run from the OCI archives containerd would import, without Kubernetes: MariaDB
// initialises from the env and takes logins, the WordPress image's helper copies core and writes
// wp-config.php, Apache serves PHP as uid 33 on port 80, the wp stand-in installs WordPress and runs
// the chart's own setup script. Needs root, buildah and debootstrap (a cold build takes minutes), so it
// runs only with STOREFLEET_REAL_NODE=1, like the other real-node tests.
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, repoRoot } from '../../dev/config.js';
import { ensureImages, type LocalImage } from '../../dev/images/ensure.js';
import { ImageSandbox, waitFor, type RunOptions } from './image-sandbox.js';

const enabled = process.env.STOREFLEET_REAL_NODE === '1';

const db = { root: 'root-secret', name: 'wordpress', user: 'wordpress', password: "db'pass\\word" };
const admin = { user: 'admin', email: 'admin@demo1.localhost', password: `pa'ss\\wo"rd-${process.pid}` };
const siteUrl = 'http://demo1.localhost';

describe.skipIf(!enabled)('the stand-in images (STOREFLEET_REAL_NODE=1)', () => {
  let sandbox: ImageSandbox;
  let images: Record<string, LocalImage>;
  let dirs: { data: string; html: string; content: string };
  const wordpressEnv: Record<string, string> = {
    WORDPRESS_DB_HOST: '127.0.0.1',
    WORDPRESS_DB_USER: db.user,
    WORDPRESS_DB_PASSWORD: db.password,
    WORDPRESS_DB_NAME: db.name,
    WORDPRESS_TABLE_PREFIX: 'wp_',
    WORDPRESS_CONFIG_EXTRA: `define('WP_HOME', '${siteUrl}');\ndefine('WP_SITEURL', '${siteUrl}');\ndefine('FS_METHOD', 'direct');`,
  };
  // As the chart mounts them: core in an emptyDir, wp-content from its own volume.
  const wordpressMounts = (): RunOptions => ({
    user: '33:33',
    env: wordpressEnv,
    volumes: { [dirs.html]: '/var/www/html', [dirs.content]: '/var/www/html/wp-content' },
  });
  const wp = (args: string[]) =>
    sandbox.run('wp-cli', ['wp', '--path=/var/www/html', ...args], {
      ...wordpressMounts(),
      env: { ...wordpressEnv, HOME: '/tmp' },
    });
  const mariadb = (args: string[]) => sandbox.run('mariadb', ['mariadb', '-h', '127.0.0.1', ...args]);
  // The chart's probe command, in the server's container (the data directory holds its credentials).
  const healthcheck = async (tests: string[]) =>
    (
      await sandbox.run('mariadb', ['healthcheck.sh', ...tests], {
        user: '999:999',
        volumes: { [dirs.data]: '/var/lib/mysql' },
      })
    ).exitCode;

  beforeAll(async () => {
    // Cache warm: seconds. Cold: the Debian base and three builds (see docs/decisions.md for times).
    const built = await ensureImages({ cacheDir: defaultCacheDir(), progress: (line) => console.log(line) });
    images = Object.fromEntries(built.map((image) => [image.name, image]));
    sandbox = await ImageSandbox.create();
    dirs = {
      data: join(sandbox.dir, 'mysql'),
      html: join(sandbox.dir, 'html'),
      content: join(sandbox.dir, 'wp-content'),
    };
    mkdirSync(dirs.data);
    chownSync(dirs.data, 999, 999);
    // As a pod gets them: an emptyDir and a local-path volume are root's, mode 0777, not uid 33's.
    for (const dir of [dirs.html, dirs.content]) {
      mkdirSync(dir);
      chmodSync(dir, 0o777);
    }
    chmodSync(sandbox.dir, 0o755);
    for (const name of ['mariadb', 'wordpress', 'wp-cli']) await sandbox.from(images[name]!.archive, name);
    // As the chart runs it: uid 999, an option as the only argument.
    sandbox.start('mariadb', ['docker-entrypoint.sh', '--innodb-buffer-pool-size=64M'], {
      user: '999:999',
      env: {
        MARIADB_ROOT_PASSWORD: db.root,
        MARIADB_DATABASE: db.name,
        MARIADB_USER: db.user,
        MARIADB_PASSWORD: db.password,
        MARIADB_AUTO_UPGRADE: '1',
      },
      volumes: { [dirs.data]: '/var/lib/mysql' },
      stop: () => mariadb(['-uroot', `-p${db.root}`, '-e', 'SHUTDOWN']),
    });
    await waitFor(
      'MariaDB healthy',
      120_000,
      () => healthcheck(['--connect', '--innodb_initialized']),
      (code) => code === 0,
    );
  }, 1_200_000);

  afterAll(async () => {
    await sandbox?.dispose();
  }, 120_000);

  it('when MariaDB starts on an empty data directory with the MARIADB_* env, then the database and user exist and the user logs in over TCP', async () => {
    const login = await mariadb([
      '-u',
      db.user,
      `-p${db.password}`,
      db.name,
      '--batch',
      '--skip-column-names',
      '-e',
      'select current_user(), database()',
    ]);
    expect(login).toMatchObject({ exitCode: 0, stdout: `${db.user}@%\t${db.name}` });
    const wrong = await mariadb(['-u', db.user, '-pwrong', '-e', 'select 1']);
    expect(wrong).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('Access denied') as unknown });
    // The chart's probes, and the data directory owned by the official image's mysql uid.
    expect(await healthcheck(['--connect', '--innodb_initialized'])).toBe(0);
    expect(statSync(join(dirs.data, 'mysql')).uid).toBe(999);
  });

  it('when docker-ensure-installed.sh runs with the WORDPRESS_* env, then WordPress core is copied and wp-config.php is written', async () => {
    expect(await sandbox.run('wordpress', ['docker-ensure-installed.sh', 'true'], wordpressMounts())).toMatchObject({
      exitCode: 0,
    });
    expect(readFileSync(join(dirs.html, 'wp-includes', 'version.php'), 'utf8')).toContain('$wp_version');
    const config = readFileSync(join(dirs.html, 'wp-config.php'), 'utf8');
    expect(config).toContain("getenv_docker('WORDPRESS_DB_HOST'");
    expect(config).not.toContain('put your unique phrase here');
    expect(statSync(join(dirs.content, 'themes')).uid).toBe(33);
  });

  it('when the wp stand-in runs core install against that database, then core is-installed answers 0 (1 before)', async () => {
    // Whole results in these expectations, so a failure shows what the command printed.
    expect(await wp(['core', 'is-installed'])).toMatchObject({ exitCode: 1 });
    const install = await wp([
      'core',
      'install',
      `--url=${siteUrl}`,
      '--title=demo1',
      `--admin_user=${admin.user}`,
      `--admin_password=${admin.password}`,
      `--admin_email=${admin.email}`,
      '--skip-email',
    ]);
    expect(install).toMatchObject({ exitCode: 0, stdout: 'Success: WordPress installed successfully.' });
    expect(await wp(['core', 'is-installed'])).toMatchObject({ exitCode: 0 });
    expect(await wp(['user', 'get', admin.user, '--field=ID'])).toMatchObject({ exitCode: 0, stdout: '1' });
  });

  it('when Apache runs as uid 33 on port 80, then PHP renders the home page and the administrator logs in', async () => {
    sandbox.start('wordpress', ['docker-entrypoint.sh', 'apache2-foreground'], wordpressMounts());
    const home = await waitFor(
      'the home page',
      60_000,
      () => sandbox.curl(['-H', 'Host: demo1.localhost', '-w', '\n%{http_code}', 'http://127.0.0.1/']),
      (r) => r.stdout.endsWith('\n200'),
    );
    expect(home.stdout).toMatch(/<meta name="generator" content="WordPress \d+\.\d+/);
    expect(home.stdout).toContain('<title>demo1');
    const login = await sandbox.curl([
      ...[
        '-o',
        '/dev/null',
        '-D',
        '-',
        '-H',
        'Host: demo1.localhost',
        '-b',
        'wordpress_test_cookie=WP%20Cookie%20check',
      ],
      ...[
        '--data-urlencode',
        `log=${admin.user}`,
        '--data-urlencode',
        `pwd=${admin.password}`,
        '--data-urlencode',
        'testcookie=1',
      ],
      'http://127.0.0.1/wp-login.php',
    ]);
    expect(login.stdout).toMatch(/^HTTP\/1\.1 302/);
    expect(login.stdout).toMatch(/Set-Cookie: wordpress_logged_in_/i);
  });

  it("when the chart's setup script runs in the wp-cli image, then it finds WordPress installed, sets permalinks, and stops at WooCommerce saying why", async () => {
    const scripts = join(repoRoot, 'charts', 'woocommerce', 'files');
    const setup = await sandbox.run('wp-cli', ['/bin/sh', '/scripts/setup.sh'], {
      ...wordpressMounts(),
      volumes: { ...wordpressMounts().volumes, [scripts]: '/scripts:ro' },
      env: {
        ...wordpressEnv,
        ...{
          HOME: '/tmp',
          SITE_URL: siteUrl,
          SITE_TITLE: 'demo1',
          WC_VERSION: '10.3.0',
          DB_WAIT_ATTEMPTS: '3',
          PHP_MEMORY_LIMIT: '256M',
        },
        ...{ WP_ADMIN_USER: admin.user, WP_ADMIN_EMAIL: admin.email, WP_ADMIN_PASSWORD: admin.password },
        ...{ SAMPLE_NAME: 'Sample', SAMPLE_SKU: 'sample-1', SAMPLE_PRICE: '19.99' },
      },
    });
    expect(setup, setup.stdout + setup.stderr).toMatchObject({ exitCode: 1 });
    expect(setup.stdout).toContain('[setup] WordPress is already installed');
    expect(setup.stdout).toContain('[setup] installing WooCommerce 10.3.0');
    // Never reported as done: the plugin step fails with the reason.
    expect(setup.stderr).toContain('never contacts wordpress.org');
    expect(setup.stdout).not.toContain('[setup] done');
    expect(setup.stdout).toContain('[setup] enabling pretty permalinks');
    expect(await wp(['option', 'get', 'permalink_structure'])).toMatchObject({ exitCode: 0, stdout: '/%postname%/' });
    expect(await wp(['plugin', 'is-installed', 'woocommerce'])).toMatchObject({ exitCode: 1 });
  });
});
