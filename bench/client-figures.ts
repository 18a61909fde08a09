/**
 * Browser figures in real Chromium against the real server: initial sync
 * (10k, 50k), cold start offline, local write to DOM, propagation between two
 * devices, heap. Floors run in the same browser on their own origin
 * (bench/floor), with the same records.
 */
import type { BrowserContext, Page, Request } from '@playwright/test';
import { io as connect } from 'socket.io-client';
import { failRemaining, log, median, percentile, result, seedReferences, signup, startServer, type Result, type User } from './lib/common';
import { firstRowProbe, launch, LIST, signInForm, staticServer, waitForServiceWorker } from './lib/browser';
import { backgroundSyncFigure } from './background-sync-figure';
import { bareSocketServer, batchesFor, rawPglite, rawSelect, rawUpsert } from './server-figures';

const WRITES = 200;
const PROPAGATIONS = 100;
const COLD_STARTS = 3;
/** First syncs of 10,000 measured, each on a new device (browser profile): the figure is their median. */
const FIRST_SYNCS = 3;

/** The pulled data as WatermelonDB's synchronize() takes it, with the same local columns the app sets. */
async function watermelonChanges(url: string, user: User): Promise<string> {
  const tables: Record<string, { created: Record<string, unknown>[]; updated: never[]; deleted: string[] }> = {};
  let since = 0;
  const now = Date.now();
  for (;;) {
    const res = await fetch(`${url}/api/sync/pull?since=${since}`, { headers: { authorization: `Bearer ${user.token}` } });
    const body = (await res.json()) as { changes: Record<string, { created: Record<string, unknown>[]; updated: Record<string, unknown>[] }>; timestamp: number; more?: boolean };
    for (const [table, set] of Object.entries(body.changes)) {
      const t = (tables[table] ??= { created: [], updated: [], deleted: [] });
      for (const row of [...set.created, ...set.updated]) t.created.push({ ...row, sync_status: 'synced', server_id: row.id, last_synced_at: now, is_deleted: false });
    }
    since = body.timestamp;
    if (!body.more) break;
  }
  return JSON.stringify({ changes: tables });
}

type ListWindow = Window & { __listTotal(selector: string): number };

/**
 * Clicks `Sign in` (form already filled) and resolves, in the page, when the
 * list shows and holds all `n` records, and the indicator says `Synced`. The
 * engine shows `Synced` only after its run ended, which is after the durable
 * save (`saveNow()`: LokiJS wrote IndexedDB): so all records are durable then.
 * The offline cold starts below check that every record comes back from it.
 */
async function timedSignIn(page: Page, n: number): Promise<number> {
  return page.evaluate(
    ({ n, list }) =>
      new Promise<number>((resolve, reject) => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Sign in' && (b as HTMLButtonElement).type === 'submit')!;
        const timer = setTimeout(() => reject(new Error(`initial sync: ${(window as unknown as ListWindow).__listTotal(list)} of ${n} after 180 s`)), 180_000);
        const t0 = performance.now();
        const check = () => {
          const total = (window as unknown as ListWindow).__listTotal(list);
          const status = document.querySelector('[role="status"]')?.textContent?.trim();
          if (total >= n && status === 'Synced') {
            clearTimeout(timer);
            resolve(performance.now() - t0);
          } else requestAnimationFrame(check);
        };
        button.click();
        requestAnimationFrame(check);
      }),
    { n, list: LIST },
  );
}

/** Waits until the list holds `n` records (and, with `synced`, the indicator says `Synced`). */
async function rowsShown(page: Page, n: number, synced: boolean, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    ({ n, list, synced }) =>
      (window as unknown as ListWindow).__listTotal(list) >= n && (!synced || document.querySelector('[role="status"]')?.textContent?.trim() === 'Synced'),
    { n, list: LIST, synced },
    { timeout, polling: 100 },
  );
}

async function signInTimed(context: BrowserContext, appUrl: string, user: User, n: number, scripts?: string[]): Promise<{ page: Page; ms: number }> {
  const page = await context.newPage();
  // The first page's JS: every script the page asks for until its first screen is up and
  // the network is quiet, before anyone touches it (chunks loaded later, on demand, are not).
  const onRequest = (req: Request) => void (req.resourceType() === 'script' && scripts?.push(req.url()));
  page.on('request', onRequest);
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Sign up' }).waitFor();
  await page.waitForLoadState('networkidle');
  page.off('request', onRequest);
  await waitForServiceWorker(page);
  await signInForm(page, user.email, user.password);
  const ms = await timedSignIn(page, n);
  return { page, ms };
}

async function floorPage(context: BrowserContext, floorUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(floorUrl);
  await page.waitForFunction(() => document.title === 'floor ready');
  return page;
}

type Floor = { sync(url: string): Promise<{ ms: number; fetchMs: number }>; openAll(): Promise<{ ms: number; rows: number }>; observe(userId: string, n: number): Promise<number[]> };

async function floorSync(page: Page, dataPath: string): Promise<{ ms: number; fetchMs: number }> {
  return page.evaluate((p) => (window as unknown as { __floor: Floor }).__floor.sync(p), dataPath);
}

/**
 * The floor of a first sync of 10,000 records, from the click on Sign in to
 * the records stored: what no client could skip, each part measured bare in
 * this run and added up. Sign-in: the login request alone (the password
 * check is its cost). Server read: a raw SELECT of the same number of rows
 * on the same engine (PGlite), outside the server. Network: the fetch and
 * parse of the same bytes from a static server on loopback. Apply:
 * synchronize() of them from memory, and the durable save. (The apply part
 * alone was the floor before: it leaves out three of the four things a
 * first sync must do.)
 */
async function firstSyncFloor(fp: Page, appUrl: string, user: User): Promise<{ ms: number; note: (ours: number) => string }> {
  const signIns: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const t = performance.now();
    const res = await fetch(`${appUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: user.password }) });
    if (res.status !== 200) throw new Error(`login ${res.status}`);
    await res.arrayBuffer();
    signIns.push(performance.now() - t);
  }
  const raw = await rawPglite();
  let read: number;
  try {
    const reader = { ...user, id: `floor-${user.id}` };
    await rawUpsert(raw, batchesFor(reader, 10_000), 1);
    read = await rawSelect(raw, reader.id);
  } finally {
    await raw.close();
  }
  const { ms: apply, fetchMs: network } = await floorSync(fp, '/data-10k.json');
  const signIn = median(signIns);
  const total = signIn + read + network + apply;
  const r = (n: number) => Math.round(n);
  return {
    ms: total,
    note: (ours) =>
      `floor ${r(total)} ms = sign-in ${r(signIn)} + server read ${r(read)} + network ${r(network)} + apply ${r(apply)}; against the apply part alone (the floor before) the ratio is ${(ours / apply).toFixed(2)}`,
  };
}

/** One local create through the form, until its row is in the DOM: ms. */
async function timedWrite(page: Page, name: string): Promise<number> {
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Request reference' && !b.disabled));
  await page.getByRole('textbox', { name: 'Referee name' }).fill(name);
  await page.getByRole('textbox', { name: 'Referee email' }).fill('bench.referee@example.org');
  return page.evaluate(
    ({ name, list }) =>
      new Promise<number>((resolve, reject) => {
        const ul = document.querySelector(list)!;
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Request reference')!;
        const shown = () => [...ul.children].slice(0, 3).some((li) => li.textContent?.includes(name));
        const timer = setTimeout(() => reject(new Error(`write ${name} not shown after 30 s`)), 30_000);
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(performance.now() - t0);
        });
        observer.observe(ul, { childList: true, subtree: true, characterData: true });
        button.click();
      }),
    { name, list: LIST },
  );
}

/** Reload with the network cut: the service worker serves the shell, IndexedDB the data. */
async function reloadOffline(page: Page): Promise<void> {
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!controlled) throw new Error('the service worker does not control the page: an offline reload cannot work');
  try {
    await page.reload();
  } catch (error) {
    log(`offline reload failed once (${String(error).split('\n')[0]}); retrying`);
    await page.goto(new URL('/', page.url()).href);
  }
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / (1024 * 1024);
}

async function echoFloor(): Promise<number[]> {
  const bare = await bareSocketServer();
  try {
    const socket = connect(bare.url, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const times: number[] = [];
    for (let i = 0; i < PROPAGATIONS + 10; i += 1) {
      const t0 = performance.now();
      await new Promise((r) => socket.emit('echo', i, r));
      if (i >= 10) times.push(performance.now() - t0);
    }
    socket.disconnect();
    return times;
  } finally {
    bare.stop();
  }
}

async function propagation(appUrl: string): Promise<Result[]> {
  const user = await signup(appUrl, 'Pat Propagation');
  const [a, b] = [await launch(), await launch()];
  try {
    const pages: Page[] = [];
    for (const ctx of [a, b]) {
      const page = await ctx.newPage();
      await page.goto(appUrl);
      await page.getByRole('button', { name: 'Sign up' }).waitFor();
      await signInForm(page, user.email, user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      pages.push(page);
    }
    const [pageA, pageB] = pages as [Page, Page];
    await pageB.evaluate((list) => {
      const w = window as unknown as { __seen: Record<string, number> };
      w.__seen = {};
      const observer = new MutationObserver(() => {
        const ul = document.querySelector(list);
        for (const li of ul ? [...ul.children].slice(0, 5) : []) {
          const m = /Prop-(\d+)-/.exec(li.textContent ?? '');
          if (m && !(m[1]! in w.__seen)) w.__seen[m[1]!] = performance.timeOrigin + performance.now();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    }, LIST);
    const delays: number[] = [];
    for (let i = 0; i < PROPAGATIONS; i += 1) {
      await pageA.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Request reference' && !b.disabled));
      await pageA.getByRole('textbox', { name: 'Referee name' }).fill(`Prop-${i}-`);
      await pageA.getByRole('textbox', { name: 'Referee email' }).fill('prop.referee@example.org');
      const sent = await pageA.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Request reference')!;
        const t = performance.timeOrigin + performance.now();
        button.click();
        return t;
      });
      const handle = await pageB.waitForFunction((i) => (window as unknown as { __seen: Record<string, number> }).__seen[String(i)], i, { timeout: 30_000, polling: 10 });
      const seen = (await handle.jsonValue()) as number;
      delays.push(seen - sent);
    }
    const echo = await echoFloor();
    return [
      result('propagation_p50_ms', percentile(delays, 50), 'ms', percentile(echo, 50), '<= 50', (v) => v <= 50),
      result('propagation_p99_ms', percentile(delays, 99), 'ms', percentile(echo, 99), '<= 200', (v) => v <= 200),
    ];
  } finally {
    await a.close();
    await b.close();
  }
}

export interface ClientRun {
  results: Result[];
  /** Script URLs the app's first page loaded (for the bundle figure). */
  scripts: string[];
}

/** BENCH_PARTS=10k,50k,propagation,background runs only those parts of the client figures (all by default). */
function part(name: '10k' | '50k' | 'propagation' | 'background'): boolean {
  const parts = process.env.BENCH_PARTS?.split(',');
  return !parts || parts.includes(name);
}

export async function clientFigures(staticDir: string, floorDir: string): Promise<ClientRun> {
  const results: Result[] = [];
  const scripts: string[] = [];
  const server = await startServer({ staticDir });
  const files = new Map<string, string>();
  const floor = await staticServer(floorDir, files);
  try {
    const u10 = await signup(server.url, 'Ten Thousand');
    const u50 = await signup(server.url, 'Fifty Thousand');
    if (part('10k')) {
      log('client: seeding 10,000 references');
      await seedReferences(server.url, u10, 10_000);
      files.set('/data-10k.json', await watermelonChanges(server.url, u10));
    }
    if (part('50k')) {
      log('client: seeding 50,000 references');
      await seedReferences(server.url, u50, 50_000);
      files.set('/data-50k.json', await watermelonChanges(server.url, u50));
    }

    // ---- 10,000 records: initial sync, cold start, local writes.
    if (part('10k')) try {
      const context = await launch();
      try {
        await context.addInitScript(firstRowProbe, LIST);
        log('client: initial sync of 10,000');
        const { page, ms: firstMs } = await signInTimed(context, server.url, u10, 10_000, scripts);
        // One sample was the figure before, and the first on a server whose code had not run yet;
        // the floor's parts are medians of warmed runs. Each further sample is a new device.
        const samples = [firstMs];
        for (let i = 1; i < FIRST_SYNCS; i += 1) {
          const device = await launch();
          try {
            samples.push((await signInTimed(device, server.url, u10, 10_000)).ms);
          } finally {
            await device.close();
          }
        }
        const ms = median(samples);
        const fp = await floorPage(context, floor.url);
        const floor10k = await firstSyncFloor(fp, server.url, u10);
        const sampled = `median of ${FIRST_SYNCS} first syncs, each on a new device: ${samples.map((v) => Math.round(v)).join(', ')} ms`;
        results.push(
          result('initial_sync_10k_ms', ms, 'ms', floor10k.ms, '<= 1000 and ratio <= 1.5', (v, r) => v <= 1_000 && r !== null && r <= 1.5, `${sampled}; ${floor10k.note(ms)}`),
        );

        log('client: cold starts offline');
        const colds: number[] = [];
        const coldFloors: number[] = [];
        for (let i = 0; i < COLD_STARTS; i += 1) {
          // The app offline: its shell from the service worker, its data from IndexedDB only.
          await context.setOffline(true);
          await reloadOffline(page);
          const handle = await page.waitForFunction(() => (window as unknown as { __firstRow?: number }).__firstRow, null, { timeout: 60_000 });
          colds.push((await handle.jsonValue()) as number);
          await rowsShown(page, 10_000, false); // every record came back from IndexedDB: the sync was durable
          // The floor page has no service worker: it loads from its static server (loopback).
          await context.setOffline(false);
          await fp.reload();
          await fp.waitForFunction(() => document.title === 'floor ready');
          const open = await fp.evaluate(() => (window as unknown as { __floor: Floor }).__floor.openAll());
          if (open.rows < 10_000) throw new Error(`floor cold start fetched ${open.rows} rows`);
          coldFloors.push(open.ms);
        }
        results.push(result('cold_start_10k_ms', median(colds), 'ms', median(coldFloors), '<= 600 and ratio <= 1.5', (v, r) => v <= 600 && r !== null && r <= 1.5));

        log(`client: ${WRITES} local writes with 10,000 present`);
        // In front, as a user's tab is: the floor page opened after it left it in the background,
        // where Chromium runs its timers once a second (each write then waited about 1 s).
        await page.bringToFront();
        await page.reload();
        await rowsShown(page, 10_000, true);
        const writes: number[] = [];
        for (let i = 0; i < WRITES; i += 1) writes.push(await timedWrite(page, `Write-${i}-${Date.now()}`));
        const observed = await fp.evaluate(({ id, n }) => (window as unknown as { __floor: Floor }).__floor.observe(id, n), { id: u10.id, n: WRITES });
        results.push(result('write_visible_p95_ms', percentile(writes, 95), 'ms', percentile(observed, 95), '<= 16', (v) => v <= 16));
      } finally {
        await context.close();
      }
    } catch (error) {
      failRemaining(results, error, [
      ['initial_sync_10k_ms', 'ms', '<= 1000 and ratio <= 1.5'],
      ['cold_start_10k_ms', 'ms', '<= 600 and ratio <= 1.5'],
      ['write_visible_p95_ms', 'ms', '<= 16'],
      ]);
    }

    // ---- 50,000 records: initial sync rate and heap.
    if (part('50k')) try {
      const context = await launch();
      try {
        log('client: initial sync of 50,000');
        const { page, ms } = await signInTimed(context, server.url, u50, 50_000);
        const fp = await floorPage(context, floor.url);
        const floorMs = (await floorSync(fp, '/data-50k.json')).ms;
        await fp.close();
        results.push(result('initial_sync_50k_records_per_s', 50_000 / (ms / 1000), 'records/s', 50_000 / (floorMs / 1000), '>= 20000', (v) => v >= 20_000));
        results.push(result('heap_50k_mb', await heapMb(page), 'MB', null, '<= 150', (v) => v <= 150));
      } finally {
        await context.close();
      }
    } catch (error) {
      failRemaining(results, error, [
      ['initial_sync_50k_records_per_s', 'records/s', '>= 20000'],
      ['heap_50k_mb', 'MB', '<= 150'],
      ]);
    }

    // ---- The service worker's sync with every tab closed, against an open tab's.
    if (part('background')) try {
      log('client: background sync against in-tab sync');
      results.push(await backgroundSyncFigure(server.url, await signup(server.url, 'Background Sync')));
    } catch (error) {
      failRemaining(results, error, [['background_sync_ms', 'ms', 'ratio <= 3']]);
    }

    // ---- Two devices of one user.
    if (part('propagation')) try {
      log(`client: propagation, ${PROPAGATIONS} writes`);
      results.push(...(await propagation(server.url)));
    } catch (error) {
      failRemaining(results, error, [
        ['propagation_p50_ms', 'ms', '<= 50'],
        ['propagation_p99_ms', 'ms', '<= 200'],
      ]);
    }
  } finally {
    floor.close();
    await server.stop();
  }
  return { results, scripts };
}
