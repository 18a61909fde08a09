/**
 * Lighthouse 12 (pinned 12.2.3: 13 needs Node 22) on the built app served
 * by the real server: the first page, signed out (what every visit starts
 * with), as a phone (Lighthouse's default: simulated slow 4G, 4x CPU
 * slowdown) and as a desktop. Each category's score is the median of
 * BENCH_LIGHTHOUSE_RUNS runs (default 3): the performance score moves by a
 * few points from run to run on a shared machine.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { log, median, result, ROOT, startServer, tempDir, type Result } from './lib/common';

const run = promisify(execFile);

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
type Category = (typeof CATEGORIES)[number];
type FormFactor = 'mobile' | 'desktop';

/** Mobile performance >= 95, every other score 100 (issue 11). */
function target(formFactor: FormFactor, category: Category): { text: string; met: (v: number) => boolean } {
  if (formFactor === 'mobile' && category === 'performance') return { text: '>= 95', met: (v) => v >= 95 };
  return { text: '= 100', met: (v) => v >= 100 };
}

export const LIGHTHOUSE_FIGURES = (['mobile', 'desktop'] as const).flatMap((formFactor) =>
  CATEGORIES.map((category) => [`lighthouse_${formFactor}_${category.replace('-', '_')}`, 'score', target(formFactor, category).text] as const),
);

interface Report {
  categories: Record<Category, { score: number | null }>;
  audits: Record<string, { score: number | null; numericValue?: number; displayValue?: string; scoreDisplayMode?: string }>;
}

/** One run; a run that fails (Lighthouse's own page-load time-out on a loaded machine) is tried once more. */
async function lighthouse(url: string, formFactor: FormFactor, retry = true): Promise<Report> {
  try {
    return await lighthouseOnce(url, formFactor);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const why = /Runtime error encountered: (.*)/.exec(stderr)?.[1] ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    if (!retry) throw new Error(`lighthouse ${formFactor}: ${why}`);
    log(`lighthouse ${formFactor} failed (${why}); once more`);
    return lighthouse(url, formFactor, false);
  }
}

async function lighthouseOnce(url: string, formFactor: FormFactor): Promise<Report> {
  const output = join(tempDir('lighthouse'), 'report.json');
  await run(
    join(ROOT, 'node_modules/.bin/lighthouse'),
    [
      url,
      ...(formFactor === 'desktop' ? ['--preset=desktop'] : []),
      `--only-categories=${CATEGORIES.join(',')}`,
      '--chrome-flags=--headless=new --no-sandbox',
      '--output=json',
      `--output-path=${output}`,
      '--quiet',
    ],
    { cwd: ROOT, env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(readFileSync(output, 'utf8')) as Report;
}

/** What cost points: every scored audit under 1, for the note of a missed target. */
function losses(report: Report): string {
  return Object.entries(report.audits)
    .filter(([, a]) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
    .map(([id, a]) => `${id} ${a.displayValue ?? a.score}`)
    .join('; ');
}

export async function lighthouseFigures(appDir: string): Promise<Result[]> {
  const runs = Math.max(1, Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3));
  const server = await startServer({ staticDir: appDir });
  const results: Result[] = [];
  try {
    for (const formFactor of ['mobile', 'desktop'] as const) {
      const reports: Report[] = [];
      for (let i = 0; i < runs; i += 1) {
        log(`lighthouse ${formFactor} ${i + 1}/${runs}`);
        reports.push(await lighthouse(`${server.url}/`, formFactor));
      }
      for (const category of CATEGORIES) {
        const scores = reports.map((r) => Math.round((r.categories[category].score ?? 0) * 100));
        const value = median(scores);
        const { text, met } = target(formFactor, category);
        const lcp = reports.map((r) => Math.round(r.audits['largest-contentful-paint']?.numericValue ?? 0));
        const note =
          category === 'performance'
            ? `runs ${scores.join(', ')}; LCP ${lcp.join(', ')} ms${value < 100 ? `; ${losses(reports[scores.indexOf(value)]!)}` : ''}`
            : value < 100
              ? losses(reports[scores.indexOf(value)]!)
              : undefined;
        results.push(result(`lighthouse_${formFactor}_${category.replace('-', '_')}`, value, 'score', null, text, met, note));
      }
    }
  } finally {
    await server.stop();
  }
  return results;
}
