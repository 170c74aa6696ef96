// The dev commands behind `npm start`, `npm test`, `npm run toolchain`, `npm run bench`, `npm run images` and `npm run crd`
// (dev/bootstrap.mjs installs the npm dependencies first). Errors print as one readable message.
import { ConfigError, defaultCacheDir } from './config.js';
import { runChecks } from './checks.js';
import { LocalMachineError } from './cluster/local-checks.js';
import { ImagesError } from './images/buildah.js';
import { say } from './output.js';
import { PortInUseError } from './ports.js';
import { ProcessStartError } from './process.js';
import { start } from './start.js';
import { components } from './toolchain/components.js';
import { ensureToolchain, ToolchainError } from './toolchain/ensure.js';
import { localComponents } from './toolchain/local-components.js';

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: () => start(),
  test: (args) => runChecks(args),
  // `--local` adds what a real node needs (kubelet, kube-proxy, CoreDNS, kube-router, local-path-provisioner).
  toolchain: async (args) => {
    const toolchain = await ensureToolchain({
      cacheDir: defaultCacheDir(),
      components: args.includes('--local') ? [...components, ...localComponents] : components,
    });
    for (const [binary, path] of Object.entries(toolchain)) say(`  ${binary.padEnd(24)} ${path}`);
    return 0;
  },
  // Loaded only when asked for: the benchmarks pull in their load generator.
  bench: async (args) => (await import('../bench/main.js')).runBenchmarks(args),
  // The result tables of docs/benchmarks.md, made anew from bench/results/latest.json.
  'bench-doc': async () => {
    const changed = (await import('../bench/doc.js')).writeBenchmarkDoc();
    say(
      changed
        ? 'docs/benchmarks.md: tables updated from bench/results/latest.json'
        : 'docs/benchmarks.md: tables already match bench/results/latest.json',
    );
    return 0;
  },
  // The Store CRD of the platform chart, made anew from core/store-resource.ts.
  crd: async () => {
    const { storeCrdFile, writeStoreCrd } = await import('./store-crd.js');
    say(
      writeStoreCrd() ? `${storeCrdFile}: written from core/store-resource.ts` : `${storeCrdFile}: already up to date`,
    );
    return 0;
  },
  // The local images (stand-ins for the official images the store charts name), built with buildah.
  images: async (args) => (await import('./images/command.js')).runImagesCommand(args),
};

const [name = '', ...args] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  say(`usage: node dev/bootstrap.mjs <${Object.keys(commands).join('|')}>`);
  process.exit(2);
}
try {
  process.exitCode = await command(args);
} catch (error) {
  // Expected problems (bad config, busy port, failed build) read best without a stack trace.
  const expected =
    error instanceof ConfigError ||
    error instanceof PortInUseError ||
    error instanceof ToolchainError ||
    error instanceof ProcessStartError ||
    error instanceof LocalMachineError ||
    error instanceof ImagesError;
  const detail = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
  console.error(`[storefleet] ${name} failed: ${detail}`);
  process.exitCode = 1;
}
