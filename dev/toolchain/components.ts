// The pinned servers and tools the local platform runs. None can be downloaded prebuilt on these
// machines, so each is built from Go modules (or fetched from Maven Central) once into the cache and
// then reused.
import { fileURLToPath } from 'node:url';

export const modulesDir = fileURLToPath(new URL('./modules/', import.meta.url));

export type BuildRecipe =
  /** `go install pkg@version`: for modules that build without replace directives. */
  | { kind: 'install'; packages: string[]; ldflags?: string }
  /** `go build` inside a helper module of ours that pins versions (and replaces) in its go.mod. */
  | {
      kind: 'module';
      dir: string;
      packages: string[];
      ldflags?: string;
      /** A folder of a required module's source copied beside bin/ (e.g. the CRDs a controller needs). */
      copy?: { module: string; from: string; to: string };
    }
  /** A Java program from Maven Central: its jars fetched by Maven, run by a launcher script of ours. */
  | {
      kind: 'maven';
      artifact: { groupId: string; artifactId: string; version: string };
      mainClass: string;
      /**
       * The arguments that make it listen on `port`. The build starts it once so, until it answers, and
       * keeps the classes it loaded in a class-data archive that the launcher maps at every start.
       */
      listenArgs: (port: number) => string[];
    };

export interface Component {
  name: string;
  version: string;
  binaries: string[];
  /** Arguments that make each binary print its version, and what that output must contain. */
  versionArgs: string[];
  versionText: string;
  build: BuildRecipe;
  /** Build under `nice -n 19`, leaving the CPU to timing-sensitive tests that share the machine. */
  lowPriority?: boolean;
  /** The command that builds it, named when only looking finds it missing; `npm run toolchain` by default. */
  buildCommand?: string;
  /** Rough cold-build time on 2 cores, shown so a long build is expected. */
  coldBuildMinutes: number;
}

export const KUBE_VERSION = 'v1.34.2';
export const kubeLdflags = [
  `-X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}`,
  '-X k8s.io/component-base/version.gitMajor=1',
  '-X k8s.io/component-base/version.gitMinor=34',
  `-X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}`,
  '-X k8s.io/client-go/pkg/version.gitMajor=1',
  '-X k8s.io/client-go/pkg/version.gitMinor=34',
].join(' ');

export const components: Component[] = [
  {
    name: 'kube',
    version: KUBE_VERSION,
    binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
    versionArgs: ['--version'],
    versionText: `Kubernetes ${KUBE_VERSION}`,
    // One go build for the three commands so they share compiled packages.
    build: {
      kind: 'module',
      dir: `${modulesDir}kube`,
      packages: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
        (c) => `k8s.io/kubernetes/cmd/${c}`,
      ),
      ldflags: kubeLdflags,
    },
    coldBuildMinutes: 15,
  },
  {
    name: 'etcd',
    version: 'v3.6.10',
    binaries: ['etcd'],
    versionArgs: ['--version'],
    versionText: 'etcd Version: 3.6.10',
    build: { kind: 'module', dir: `${modulesDir}etcd`, packages: ['go.etcd.io/etcd/server/v3'] },
    coldBuildMinutes: 2,
  },
  {
    name: 'kwok',
    version: 'v0.7.0',
    binaries: ['kwok'],
    versionArgs: ['--version'],
    versionText: '0.7.0',
    build: { kind: 'install', packages: ['sigs.k8s.io/kwok/cmd/kwok@v0.7.0'] },
    coldBuildMinutes: 3,
  },
  {
    name: 'helm',
    version: 'v3.19.5',
    binaries: ['helm'],
    versionArgs: ['version', '--short'],
    versionText: 'v3.19.5',
    build: {
      kind: 'install',
      packages: ['helm.sh/helm/v3/cmd/helm@v3.19.5'],
      ldflags: '-X helm.sh/helm/v3/internal/version.version=v3.19.5',
    },
    coldBuildMinutes: 3,
  },
  {
    name: 'temporal',
    version: 'v1.5.1',
    binaries: ['temporal'],
    versionArgs: ['--version'],
    versionText: 'temporal version 1.5.1',
    build: {
      kind: 'install',
      packages: ['github.com/temporalio/cli/cmd/temporal@v1.5.1'],
      ldflags: '-X github.com/temporalio/cli/temporalcli.Version=1.5.1',
    },
    coldBuildMinutes: 6,
  },
];

/** `STOREFLEET_KUBE_APISERVER_BIN` and the like: an operator's own binary wins when its version matches. */
export function binaryEnvVar(binary: string): string {
  return `STOREFLEET_${binary.toUpperCase().replace(/-/g, '_')}_BIN`;
}
