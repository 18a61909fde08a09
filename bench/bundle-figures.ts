/** Builds: the app (into a temp dir, not dist/), the floor page, and the size floor; the first-page JS figure. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { result, ROOT, tempDir, type Result } from './lib/common';

export function buildApp(): string {
  const outDir = tempDir('dist');
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return outDir;
}

export function buildFloor(entry: 'index.html' | 'size.html'): string {
  const outDir = tempDir('floor');
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'bench/floor/vite.config.mts', '--outDir', outDir], {
    cwd: ROOT,
    env: { ...process.env, BENCH_FLOOR_ENTRY: entry },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return outDir;
}

const gzipKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** `scripts`: the URLs of the scripts the app's first page requested. */
export function bundleFigure(appDir: string, sizeFloorDir: string, scripts: string[]): Result {
  const paths = [...new Set(scripts.map((u) => new URL(u).pathname))];
  const app = paths.reduce((kb, p) => kb + gzipKb(join(appDir, p)), 0);
  const floor = jsFiles(sizeFloorDir).reduce((kb, f) => kb + gzipKb(f), 0);
  return result('initial_js_gzip_kb', app, 'KB', floor, '<= 180', (v) => v <= 180, `first page loaded: ${paths.join(', ')}`);
}
