/**
 * How many runs a property test makes. `npm test` makes the full count; under mutation testing
 * (`vitest.mutation.config.ts` sets `QALQAN_MUTATION_RUNS`, a divisor) each mutant's run makes a
 * fraction of them, at least 10, so a run over the Merkle tree finishes in reasonable time. A
 * mutant that a property catches is almost always caught by its first few cases; the examples
 * beside each property hold the edge cases.
 */
export function propertyRuns(full: number): number {
  const divisor = Number(process.env.QALQAN_MUTATION_RUNS ?? '1');
  if (!Number.isFinite(divisor) || divisor <= 1) return full;
  return Math.max(10, Math.ceil(full / divisor));
}
