/**
 * npm run bench: every figure against its floor measured in the same run;
 * prints a table and writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFigure, buildApp, buildFloor } from './bundle-figures';
import { clientFigures } from './client-figures';
import { failed, failRemaining, log, removeTempDirs, ROOT, type Result } from './lib/common';
import { LIGHTHOUSE_FIGURES, lighthouseFigures } from './lighthouse-figures';
import { serverFigures } from './server-figures';

const ORDER = [
  'initial_sync_10k_ms',
  'initial_sync_50k_records_per_s',
  'cold_start_10k_ms',
  'write_visible_p95_ms',
  'propagation_p50_ms',
  'propagation_p99_ms',
  'push_records_per_s_pglite',
  'push_records_per_s_pg',
  'push_records_per_s_pg_50',
  'push_growth_1_to_50_pg',
  'pull_10k_ms_pglite',
  'pull_10k_ms_pg',
  'fanout_1000_p99_ms',
  'server_rss_after_burst_mb',
  'initial_js_gzip_kb',
  'heap_50k_mb',
  ...LIGHTHOUSE_FIGURES.map(([name]) => name),
];

function table(results: Result[]): string {
  const rows = results.map((r) => [r.name, r.value === null ? '-' : String(r.value), r.unit, r.baseline === null ? '-' : String(r.baseline), r.ratio === null ? '-' : String(r.ratio), r.target, r.met ? 'yes' : 'NO']);
  const head = ['name', 'value', 'unit', 'floor', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.env.BENCH_ONLY?.split(',');
  log('building the app, the floor page and the size floor');
  const appDir = buildApp();
  const floorDir = buildFloor('index.html');
  const sizeDir = buildFloor('size.html');

  const results: Result[] = [];
  if (!only || only.includes('client')) {
    const client = await clientFigures(appDir, floorDir);
    results.push(...client.results);
    results.push(client.scripts.length ? bundleFigure(appDir, sizeDir, client.scripts) : failed('initial_js_gzip_kb', 'KB', '<= 180', 'the first page load was not observed'));
  }
  if (!only || only.includes('server')) results.push(...(await serverFigures(appDir)));
  if (!only || only.includes('lighthouse')) {
    try {
      results.push(...(await lighthouseFigures(appDir)));
    } catch (error) {
      failRemaining(results, error, LIGHTHOUSE_FIGURES);
    }
  }

  results.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  // results.json holds exactly {name, value, unit, baseline, ratio, target, met} of a full run;
  // a partial run (BENCH_ONLY, BENCH_PARTS) goes to results.partial.json (not committed).
  const complete = ORDER.every((name) => results.some((r) => r.name === name));
  const file = complete ? 'bench/results.json' : 'bench/results.partial.json';
  const rows = results.map(({ name, value, unit, baseline, ratio, target, met }) => ({ name, value, unit, baseline, ratio, target, met }));
  writeFileSync(join(ROOT, file), `${JSON.stringify(rows, null, 2)}\n`);
  log(`wrote ${file}`);
  console.log(table(results));
  for (const r of results) if (r.note) console.log(`  ${r.name}: ${r.note}`);
  const missed = results.filter((r) => !r.met).map((r) => r.name);
  console.log(`\n${results.length - missed.length}/${results.length} targets met${missed.length ? `; missed: ${missed.join(', ')}` : ''} (${Math.round((Date.now() - started) / 1000)} s)`);
  removeTempDirs();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  removeTempDirs();
  process.exit(1);
});
