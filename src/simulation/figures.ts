/** The run's figures, summed over rounds and printed for the README's "Reliability" section. */
import type { Figures } from './simulation';

/** The counters that add up over rounds as they are. */
const SUMMED = [
  'steps',
  'pushesCommitted',
  'pullsServed',
  'pushesInParallel',
  'realtimeHints',
  'conflictsReported',
  'rejectedRecords',
  'verifications',
  'referencesOnServer',
  'referencesDeleted',
  'writesLost',
  'orderAnomalies',
  'updatedAtDivergences',
  'replayReclamps',
  'simulatedMinutes',
] as const satisfies readonly (keyof Figures)[];

export type Totals = Record<(typeof SUMMED)[number], number> & {
  rounds: number;
  seeds: string;
  devicesPerRound: number;
  writes: Record<string, number>;
  faults: Record<string, number>;
  maxSkewMinutes: number;
  elapsedSeconds: number;
};

export function sumFigures(all: Figures[]): Totals {
  const add = (a: Record<string, number>, b: Record<string, number>) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
    return a;
  };
  const seeds = all.map((f) => f.seed);
  const sums = Object.fromEntries(SUMMED.map((key) => [key, all.reduce((n, f) => n + f[key], 0)])) as Record<(typeof SUMMED)[number], number>;
  return {
    ...sums,
    rounds: all.length,
    seeds: seeds.length > 1 ? `${seeds[0]}..${seeds[seeds.length - 1]}` : String(seeds[0] ?? ''),
    devicesPerRound: all[0]?.devices ?? 0,
    writes: all.reduce((a, f) => add(a, f.writes), {} as Record<string, number>),
    faults: all.reduce((a, f) => add(a, f.faults), {} as Record<string, number>),
    maxSkewMinutes: Math.max(0, ...all.map((f) => f.maxSkewMinutes)),
    elapsedSeconds: Math.round(all.reduce((n, f) => n + f.elapsedMs, 0) / 1000),
  };
}

export function formatFigures(t: Totals): string {
  const lines = [
    'Reliability (seeded simulation)',
    `  rounds ${t.rounds} (seeds ${t.seeds}), ${t.devicesPerRound} devices per round, ${t.steps} simulated steps, ${t.simulatedMinutes} simulated minutes, ${t.elapsedSeconds} s`,
    `  user writes: ${Object.entries(t.writes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  faults injected: ${Object.entries(t.faults).map(([k, v]) => `${k} ${v}`).join(', ')}; clock skew up to ${t.maxSkewMinutes} min`,
    `  pushes committed ${t.pushesCommitted}, pulls served ${t.pullsServed}, pushes delivered together ${t.pushesInParallel}, real-time hints ${t.realtimeHints}, conflicts reported ${t.conflictsReported}, records rejected ${t.rejectedRecords}, users verified ${t.verifications}`,
    `  references at the end ${t.referencesOnServer} live, ${t.referencesDeleted} deleted`,
    `  writes lost: ${t.writesLost}`,
    `  replayed pushes re-clamped over a newer write: ${t.replayReclamps} columns; device updated_at != server: ${t.updatedAtDivergences} rows (each fails the run)`,
    `  columns whose survivor is not the newest user write (one updated_at per pushed record; reported, not failed): ${t.orderAnomalies}`,
  ];
  return lines.join('\n');
}
