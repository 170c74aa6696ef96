// The pure arithmetic of the benchmarks: percentiles, and one result record per figure with its
// baseline, ratio and whether it met its target (bench/results/latest.json holds them, with the commit measured).

export interface Target {
  /** What the limit applies to: the figure itself, or figure ÷ baseline. */
  of: 'value' | 'ratio';
  op: '<=' | '>=' | '<' | '=';
  limit: number;
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const median = (values: number[]) => percentile(values, 50);

export const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Three decimals: more would only show noise. */
const round = (value: number) => Math.round(value * 1000) / 1000;

function meets(actual: number, target: Target): boolean {
  switch (target.op) {
    case '<=':
      return actual <= target.limit;
    case '>=':
      return actual >= target.limit;
    case '<':
      return actual < target.limit;
    case '=':
      return actual === target.limit;
  }
}

export function benchResult(figure: {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  target?: Target;
}): BenchResult {
  const { name, value, unit, baseline, target } = figure;
  const ratio = baseline === undefined || baseline === 0 ? null : round(value / baseline);
  const judged = target?.of === 'ratio' ? ratio : value;
  return {
    name,
    value: round(value),
    unit,
    baseline: baseline === undefined ? null : round(baseline),
    ratio,
    target: target ? `${target.of} ${target.op} ${target.limit}` : null,
    met: target && judged !== null ? meets(judged, target) : null,
  };
}
