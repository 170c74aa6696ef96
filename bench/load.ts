// HTTP load from autocannon in its own process, so the load generator does not share the event loop
// of the servers it measures.
import { execa } from 'execa';
import { repoRoot } from '../dev/config.js';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers: any is a failed request. */
  failed: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  connections: number;
  seconds: number;
}

/** The figures we report, from autocannon's --json output. */
export function loadFigures(output: string): LoadFigures {
  const json = JSON.parse(output) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: json.requests.average,
    p50Ms: json.latency.p50,
    p99Ms: json.latency.p99,
    failed: json.errors + json.timeouts + json.non2xx,
    total: json.requests.total,
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const args = [
    '--json',
    '-c',
    String(options.connections),
    '-d',
    String(options.seconds),
    '-m',
    options.method ?? 'GET',
  ];
  if (options.body !== undefined) args.push('-H', 'content-type=application/json', '-b', options.body);
  const result = await execa('autocannon', [...args, options.url], { cwd: repoRoot, preferLocal: true });
  return loadFigures(result.stdout);
}
