// Which benchmarks `npm run bench -- <name>...` runs: all by default, else the named ones in the
// canonical order, and a bad name is an error that lists the good ones.

export class UnknownBenchmarkError extends Error {}

export function selectBenchmarks(args: string[], known: readonly string[]): string[] {
  const wanted = args.filter((arg) => arg.trim() !== '');
  if (wanted.length === 0) return [...known];
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UnknownBenchmarkError(
      `unknown benchmark${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from: ${known.join(', ')} (e.g. npm run bench -- ${known[0]})`,
    );
  }
  return known.filter((name) => wanted.includes(name));
}
