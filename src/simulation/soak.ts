/**
 * `npm run test:soak`: runs simulation rounds (a fresh server and fresh
 * devices per round, seeds SIM_SEED, SIM_SEED+1, ...) until SIM_MINUTES
 * (default 10) are used up or SIM_ROUNDS rounds ran; SIM_STEPS steps per
 * round (default 2,000). Prints the figures for the README's Reliability
 * section and, for a failing round, the command that replays it.
 * SIM_TRACE=<path> writes each round's trace to <path>.<seed>.
 * SIM_BACKEND=postgres runs each round on PostgreSQL (TEST_DATABASE_URL) with
 * pushes committing in parallel, as the PostgreSQL simulation test does.
 * Exit code 1 if any round failed.
 */
import { writeFileSync } from 'node:fs';
import { runSimulation, type Figures } from './simulation';
import { formatFigures, sumFigures } from './figures';

const minutes = Number(process.env.SIM_MINUTES ?? 10);
const steps = Number(process.env.SIM_STEPS ?? 2_000);
const maxRounds = process.env.SIM_ROUNDS ? Number(process.env.SIM_ROUNDS) : Infinity;
const firstSeed = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : Date.now() % 1_000_000_000;
const onPostgres = process.env.SIM_BACKEND === 'postgres';
if (onPostgres && !process.env.TEST_DATABASE_URL) throw new Error('SIM_BACKEND=postgres needs TEST_DATABASE_URL');
if (process.env.SIM_BACKEND && !onPostgres && process.env.SIM_BACKEND !== 'pglite') throw new Error(`SIM_BACKEND is pglite or postgres, not ${process.env.SIM_BACKEND}`);

async function main() {
  const deadline = Date.now() + minutes * 60_000;
  const all: Figures[] = [];
  const failed: string[] = [];
  for (let round = 0; round < maxRounds && (round === 0 || Date.now() < deadline); round += 1) {
    const seed = firstSeed + round;
    const backend = onPostgres ? { backend: 'postgres' as const, concurrentPushes: true } : {};
    const result = await runSimulation({ seed, steps, ...backend, log: (line) => console.log(line) });
    all.push(result.figures);
    if (process.env.SIM_TRACE) writeFileSync(`${process.env.SIM_TRACE}.${seed}`, result.trace.join('\n'));
    const f = result.figures;
    console.log(
      `round ${round + 1} seed ${seed}: ${result.ok ? 'ok' : 'FAILED'} (${f.steps} steps, ${f.pushesCommitted} pushes, ` +
        `${Object.values(f.faults).reduce((a, b) => a + b, 0)} faults, ${f.writesLost} writes lost, ${(f.elapsedMs / 1000).toFixed(1)} s, trace ${result.traceDigest})`,
    );
    for (const line of result.warnings.slice(0, 5)) console.log(`  warning: ${line}`);
    if (!result.ok) {
      for (const line of result.failures.slice(0, 20)) console.log(`  ${line}`);
      console.log(`  replay: ${result.replay}`);
      failed.push(result.replay);
    }
  }
  console.log('');
  console.log(formatFigures(sumFigures(all)));
  if (failed.length) {
    console.log(`\n${failed.length} round(s) failed; replay with:`);
    for (const command of failed) console.log(`  ${command}`);
    process.exitCode = 1;
  }
}

void main().then(() => process.exit(process.exitCode ?? 0));
