/**
 * The short version of the seeded simulation (the long one: `npm run
 * test:soak`). A failure prints the command that replays the seed.
 */
import { describe, expect, it } from 'vitest';
import { formatFigures, sumFigures } from './figures';
import { runSimulation, type SimResult } from './simulation';

const SEED = Number(process.env.SIM_SEED ?? 20_261_125);
const STEPS = Number(process.env.SIM_TEST_STEPS ?? 700);

function explain(result: SimResult): string {
  return [`replay: ${result.replay}`, ...result.failures.slice(0, 15)].join('\n');
}

describe('seeded simulation: real engines on WatermelonDB against the real server on PGlite', () => {
  it(`converges to what the oracle predicts, loses no write (seed ${SEED}, ${STEPS} steps)`, async () => {
    const result = await runSimulation({ seed: SEED, steps: STEPS });
    console.log(`${formatFigures(sumFigures([result.figures]))}\n  replay: ${result.replay}`);
    expect(result.failures, explain(result)).toEqual([]);
    expect(result.figures.devices).toBeGreaterThanOrEqual(5);
    expect(result.figures.writesLost).toBe(0);
    // The run did exercise the faults it claims to.
    const f = result.figures.faults;
    expect(f.requestLostBeforeCommit + f.responseLostAfterCommit).toBeGreaterThan(0);
    expect(f.killedMidSync).toBeGreaterThan(0);
    expect(f.wentOffline).toBeGreaterThan(0);
    expect(f.closedWorkerSyncs).toBeGreaterThan(0);
    expect(result.figures.maxSkewMinutes).toBeGreaterThan(0);
    // And the trust rules: users verified during the run, and the server refused what they forbid.
    expect(result.figures.verifications).toBeGreaterThan(0);
    expect(result.figures.rejectedRecords).toBeGreaterThan(0);
  }, 120_000);

  it('replays: the same seed gives the same run', async () => {
    const a = await runSimulation({ seed: SEED + 1, steps: 120 });
    const b = await runSimulation({ seed: SEED + 1, steps: 120 });
    expect(a.failures, explain(a)).toEqual([]);
    expect(b.traceDigest).toBe(a.traceDigest);
    expect(b.trace.length).toBeGreaterThan(120);
  }, 120_000);

  it('has teeth: a server that acknowledges pushes without committing them is caught', async () => {
    // A seed whose walk sabotages pushes that nothing sends again later (SEED + 2 and + 3 sabotage only
    // one or two, whose records are then rewritten whole; + 4 to + 6 are caught).
    const result = await runSimulation({ seed: SEED + 4, steps: 200, sabotage: 'ack-without-commit' });
    expect(result.ok).toBe(false);
    expect(result.failures.some((f) => /lost write|diverged|missing/.test(f))).toBe(true);
  }, 120_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('seeded simulation on PostgreSQL with pushes committing in parallel', () => {
  it(`converges to what the oracle predicts (seed ${SEED + 3}, ${STEPS} steps)`, async () => {
    const result = await runSimulation({ seed: SEED + 3, steps: STEPS, backend: 'postgres', concurrentPushes: true });
    console.log(`${formatFigures(sumFigures([result.figures]))}\n  replay: ${result.replay}`);
    expect(result.failures, explain(result)).toEqual([]);
    expect(result.figures.writesLost).toBe(0);
    // Pushes did reach the server together, and the faults ran as well.
    expect(result.figures.pushesInParallel).toBeGreaterThan(20);
    expect(result.figures.faults.requestLostBeforeCommit + result.figures.faults.responseLostAfterCommit).toBeGreaterThan(0);
  }, 180_000);
});
