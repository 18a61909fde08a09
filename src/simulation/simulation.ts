/**
 * The seeded simulation (issue 6 §1). Devices run the real engine on
 * WatermelonDB; the server is the real app on PGlite in this process. One
 * seed decides every step: user actions on both sides of a reference, the
 * network (order of delivery, requests lost before the server commits,
 * responses lost after), going offline and online, clock skew up to ±1 h,
 * time passing (debounce, retry and periodic timers fire), autosaves, and
 * devices killed mid-sync and reopened on what their disk holds.
 *
 * Determinism: only one message is in flight to the server at a time, and
 * after every step the simulation waits until every device is blocked on the
 * network or idle ("settle"), so the same seed replays the same run.
 *
 * Then everything heals (all online, no faults, sync until nothing moves) and
 * checks.ts compares devices, server and the independent oracle.
 */
import { setGenerator } from '@nozbe/watermelondb/utils/common/randomId';
import { request, startServer, type TestServer } from '../../tools/test-support/harness';
import { codeIn, waitForMail } from '../../tools/test-support/mailbox';
import type { ChangeEvent } from '../server/replication/events';
import type { RealtimeEvent } from '../sync/ports';
import { runChecks } from './checks';
import { SimDisk } from './disk-database';
import type { Intent, IntentKind } from './intents';
import { MergeOracle, type CommittedPush, type PushedTable } from './oracle';
import { createRng, type Rng } from './prng';
import { SimDevice, type SimUser } from './sim-device';
import { SimNetwork, type Exchange, type QueuedRequest } from './sim-network';
import { SimTime } from './sim-time';

const HOUR = 3_600_000;
const START_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

export interface SimOptions {
  seed: number;
  steps: number;
  /** Devices per user; at least 5 devices in all. Default [2, 2, 1, 1]. */
  devicesPerUser?: number[];
  log?: (line: string) => void;
  /**
   * Test-only: break the system on purpose to prove the checks notice.
   * 'ack-without-commit' answers some pushes with an empty success without
   * sending them (a server that acknowledges and drops writes).
   */
  sabotage?: 'ack-without-commit';
  /** Default 'pglite'; 'postgres' needs TEST_DATABASE_URL. */
  backend?: 'pglite' | 'postgres';
  /**
   * Also deliver several queued pushes at once (of different records, so the
   * oracle's order among them does not matter): on PostgreSQL they commit in
   * parallel. Hints then arrive in the order commits happen, so a run no longer
   * replays step for step.
   */
  concurrentPushes?: boolean;
}

export interface Figures {
  seed: number;
  steps: number;
  devices: number;
  users: number;
  writes: Record<IntentKind, number>;
  faults: {
    requestLostBeforeCommit: number;
    responseLostAfterCommit: number;
    killedMidSync: number;
    killedIdle: number;
    wentOffline: number;
    requestsCutByGoingOffline: number;
    clockSkewChanges: number;
    autosaves: number;
    timeJumps: number;
    closedWorkerSyncs: number;
  };
  maxSkewMinutes: number;
  pushesCommitted: number;
  pullsServed: number;
  /** Pushes delivered together with others (concurrentPushes). */
  pushesInParallel: number;
  realtimeHints: number;
  conflictsReported: number;
  rejectedRecords: number;
  discardedByUser: number;
  /** Users who proved their email during the run (each one a visibility change). */
  verifications: number;
  healRounds: number;
  referencesOnServer: number;
  referencesDeleted: number;
  writesLost: number;
  /** Columns whose survivor is not the newest user write (one updated_at per pushed record); reported, not failed. */
  orderAnomalies: number;
  /** Device rows whose updated_at is not the server's; each one fails the run. */
  updatedAtDivergences: number;
  /** Columns where a replayed push, clamped again, overrode a newer write; each one fails the run. */
  replayReclamps: number;
  simulatedMinutes: number;
  elapsedMs: number;
}

export interface SimResult {
  ok: boolean;
  failures: string[];
  /** Findings that do not fail the run. */
  warnings: string[];
  figures: Figures;
  /** The command that replays this run. */
  replay: string;
  /** A digest of the run's trace: equal for equal seeds (determinism check). */
  traceDigest: string;
  /** One line per step event: what happened, for diffing two runs. */
  trace: string[];
}

function replayCommand(seed: number, steps: number, backend: SimOptions['backend']): string {
  const on = backend === 'postgres' ? 'SIM_BACKEND=postgres ' : '';
  return `${on}SIM_SEED=${seed} SIM_STEPS=${steps} SIM_ROUNDS=1 npm run test:soak`;
}

function digest(lines: string[]): string {
  // FNV-1a, enough to compare two runs.
  let h = 0x811c9dc5;
  for (const line of lines) {
    for (let i = 0; i < line.length; i += 1) {
      h ^= line.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

function countEntries(changes: unknown): number {
  let n = 0;
  if (!changes || typeof changes !== 'object') return 0;
  for (const set of Object.values(changes as Record<string, PushedTable>)) {
    n += (set.created?.length ?? 0) + (set.updated?.length ?? 0) + (set.deleted?.length ?? 0);
  }
  return n;
}

/**
 * A request path as the trace keeps it: without the pull cursor's value. The
 * cursor is the server's, opaque, made of transaction ids and a watermark
 * that also moves with real time (store/pull.ts), so equal seeds give equal
 * runs with different cursor values (seen once follow-up pulls made a lost
 * pull with a cursor part of the short run).
 */
function traced(path: string): string {
  return path.replace(/([?&]since=)\d+/, '$1…');
}

export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const started = Date.now();
  const { seed, steps } = options;
  const log = options.log ?? (() => {});
  const rng: Rng = createRng(seed);
  const idRng = createRng(seed ^ 0x5bd1e995);
  setGenerator(() => idRng.id(16));

  const time = new SimTime(START_TIME);
  const disk = new SimDisk();
  const oracle = new MergeOracle({ replayStableClamp: true });
  const reclamping = new MergeOracle();
  const failures: string[] = [];
  const warnings: string[] = [];
  const trace: string[] = [];
  const intents: Intent[] = [];
  const pushes: CommittedPush[] = [];
  const figures: Figures = {
    seed,
    steps,
    devices: 0,
    users: 0,
    writes: { create: 0, edit: 0, delete: 0, respond: 0, decline: 0, rename: 0 },
    faults: {
      requestLostBeforeCommit: 0,
      responseLostAfterCommit: 0,
      killedMidSync: 0,
      killedIdle: 0,
      wentOffline: 0,
      requestsCutByGoingOffline: 0,
      clockSkewChanges: 0,
      autosaves: 0,
      timeJumps: 0,
      closedWorkerSyncs: 0,
    },
    maxSkewMinutes: 0,
    pushesCommitted: 0,
    pullsServed: 0,
    pushesInParallel: 0,
    realtimeHints: 0,
    conflictsReported: 0,
    rejectedRecords: 0,
    discardedByUser: 0,
    verifications: 0,
    healRounds: 0,
    referencesOnServer: 0,
    referencesDeleted: 0,
    writesLost: 0,
    orderAnomalies: 0,
    updatedAtDivergences: 0,
    replayReclamps: 0,
    simulatedMinutes: 0,
    elapsedMs: 0,
  };
  let step = 0;
  let moved = 0; // entries pulled or pushed: heal stops when a round moves nothing

  const devices: SimDevice[] = [];
  const deviceById = new Map<string, SimDevice>();
  let server: TestServer | null = null;

  const fail = (message: string) => {
    if (failures.length < 50) failures.push(`step ${step}: ${message}`);
  };

  try {
    server = await startServer(options.backend ?? 'pglite', {
      clock: () => time.now,
      onPublish: (events: ChangeEvent[]) => {
        // Hints go to every running, online device of a user in the audience.
        for (const event of events) {
          for (const device of devices) {
            if (!device.live || !device.online) continue;
            const u = device.user;
            if (!event.to.userIds.includes(u.id) && !event.to.emails.includes(u.email)) continue;
            net.pushHint(device.id, device.live.number, { type: event.name, payload: event.payload } as RealtimeEvent);
          }
        }
      },
    });
    const url = server.url;
    const net = new SimNetwork(url, (id) => deviceById.get(id)?.online ?? false);

    // Users and their devices.
    const perUser = options.devicesPerUser ?? [2, 2, 1, 1];
    const users: SimUser[] = [];
    for (let i = 0; i < perUser.length; i += 1) {
      const email = `user${i}.seed${seed}@example.com`;
      const res = await request<{ token: string; user: { id: string; email: string; name: string; email_verified: boolean } }>(url, 'POST', '/api/auth/signup', {
        body: { email, name: `User ${i}`, password: 'password-123' },
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status}`);
      const user = { ...res.body.user, token: res.body.token };
      users.push(user);
      oracle.addUser(user, time.now);
      reclamping.addUser(user, time.now);
    }
    const userIndex = new Map(users.map((u, i) => [u.id, i]));
    perUser.forEach((count, i) => {
      for (let d = 0; d < count; d += 1) {
        const id = `u${i}d${d}`;
        const device = new SimDevice(id, users[i]!, { time, disk, net, serverUrl: url });
        device.skew = rng.chance(0.5) ? 0 : rng.between(-HOUR, HOUR);
        devices.push(device);
        deviceById.set(id, device);
      }
    });
    figures.devices = devices.length;
    figures.users = users.length;
    const noteSkew = (skew: number) => (figures.maxSkewMinutes = Math.max(figures.maxSkewMinutes, Math.round(Math.abs(skew) / 60_000)));
    devices.forEach((d) => noteSkew(d.skew));

    async function settle(): Promise<void> {
      const deadline = Date.now() + 20_000;
      let quiet = 0;
      while (quiet < 2) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        quiet = devices.some((d) => d.busy()) ? 0 : quiet + 1;
        if (Date.now() > deadline) {
          const stuck = devices.filter((d) => d.busy()).map((d) => d.id);
          throw new Error(`step ${step}: devices ${stuck.join(', ')} never settled (a sync hangs without waiting on the network)`);
        }
      }
    }

    async function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          promise,
          new Promise<T>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${what} did not finish in 20 s`)), 20_000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    }

    for (const device of devices) await device.open();
    await settle();

    function record(exchange: Exchange): void {
      const req = exchange.request;
      if (exchange.status >= 500) fail(`server answered ${exchange.status} to ${req.method} ${req.path}: ${exchange.text.slice(0, 300)}`);
      else if (exchange.status >= 400) fail(`server answered ${exchange.status} to ${req.method} ${req.path} from ${req.device}: ${exchange.text.slice(0, 300)}`);
      if (exchange.status !== 200) return;
      const body = exchange.body as { changes?: unknown; conflicts?: unknown[]; rejected?: Record<string, { id: string }[]> };
      if (req.path.startsWith('/api/sync/pull')) {
        figures.pullsServed += 1;
        const n = countEntries(body.changes);
        moved += n;
        trace.push(`pull ${req.device} ${n}`);
        return;
      }
      if (!req.path.startsWith('/api/sync/push')) return;
      const device = deviceById.get(req.device)!;
      const pushed = JSON.parse(req.body ?? '{}') as { changes: Record<string, PushedTable> };
      const push: CommittedPush = {
        index: pushes.length,
        step,
        device: req.device,
        pusher: { id: device.user.id, email: device.user.email },
        receivedAt: time.now,
        changes: pushed.changes,
      };
      pushes.push(push);
      figures.pushesCommitted += 1;
      moved += countEntries(pushed.changes);
      figures.conflictsReported += body.conflicts?.length ?? 0;
      const actual = new Set<string>();
      for (const [table, list] of Object.entries(body.rejected ?? {})) for (const r of list) actual.add(`${table}/${r.id}`);
      figures.rejectedRecords += actual.size;
      reclamping.apply({ ...push });
      const predicted = oracle.apply(push);
      for (const key of actual) if (!predicted.has(key)) fail(`push #${push.index} from ${req.device}: server rejected ${key}, the oracle accepts it (${exchange.text.slice(0, 300)})`);
      for (const key of predicted) if (!actual.has(key)) fail(`push #${push.index} from ${req.device}: the oracle rejects ${key}, the server accepted it`);
      trace.push(`push ${req.device} #${push.index} ${countEntries(pushed.changes)} rej=${[...actual].sort().join(',')}`);
    }

    async function deliver(index: number, faults: boolean): Promise<void> {
      const message = net.take(index);
      if (message.kind === 'hint') {
        const device = deviceById.get(message.device);
        if (device?.live?.number === message.incarnation && device.online) {
          figures.realtimeHints += 1;
          device.live.handlers?.onEvent(message.event);
        }
        trace.push(`hint ${message.device}`);
        return;
      }
      const fate = faults ? rng.weighted({ deliver: 84, 'lose-request': 8, 'lose-response': 8 }) : 'deliver';
      if (fate === 'lose-request') {
        figures.faults.requestLostBeforeCommit += 1;
        trace.push(`lost-request ${message.device} ${traced(message.path)}`);
        message.reject(new TypeError('fetch failed: request lost'));
        return;
      }
      if (faults && options.sabotage === 'ack-without-commit' && message.path.startsWith('/api/sync/push') && rng.chance(0.3)) {
        trace.push(`sabotaged ${message.device}`);
        message.resolve(new Response(JSON.stringify({ conflicts: [], rejected: {} }), { status: 200, headers: { 'content-type': 'application/json' } }));
        return;
      }
      const exchange = await net.exchange(message);
      record(exchange);
      if (fate === 'lose-response') {
        figures.faults.responseLostAfterCommit += 1;
        trace.push(`lost-response ${message.device} ${traced(message.path)}`);
        message.reject(new TypeError('fetch failed: response lost'));
        return;
      }
      SimNetwork.respond(message, exchange);
    }

    /** The records a queued push names, or null when it is not a push. */
    const recordsOf = (message: QueuedRequest): Set<string> | null => {
      if (!message.path.startsWith('/api/sync/push')) return null;
      const body = JSON.parse(message.body ?? '{}') as { changes?: Record<string, PushedTable> };
      const keys = new Set<string>();
      for (const [table, c] of Object.entries(body.changes ?? {})) {
        for (const r of [...(c.created ?? []), ...(c.updated ?? [])]) keys.add(`${table}/${(r as { id: string }).id}`);
        for (const id of c.deleted ?? []) keys.add(`${table}/${id}`);
      }
      return keys;
    };

    /** Queued pushes of pairwise different records, up to `max`, in queue order. */
    function disjointPushes(max: number): QueuedRequest[] {
      const taken = new Set<string>();
      const batch: QueuedRequest[] = [];
      for (const m of net.queue) {
        if (m.kind !== 'request' || batch.length >= max) continue;
        const keys = recordsOf(m);
        if (!keys || [...keys].some((k) => taken.has(k))) continue;
        for (const k of keys) taken.add(k);
        batch.push(m);
      }
      return batch;
    }

    /** Sends the batch at once: the server commits them in parallel, in whatever order it does. */
    async function deliverTogether(batch: QueuedRequest[]): Promise<void> {
      for (const m of batch) net.take(net.queue.indexOf(m));
      const exchanges = await Promise.all(batch.map((m) => net.exchange(m)));
      figures.pushesInParallel += batch.length;
      trace.push(`together ${batch.map((m) => m.device).join(',')}`);
      batch.forEach((m, i) => {
        record(exchanges[i]!);
        SimNetwork.respond(m, exchanges[i]!);
      });
    }

    async function advance(ms: number): Promise<void> {
      const until = time.now + ms;
      for (let fired = 0; fired < 10_000; fired += 1) {
        const timer = time.takeDue(until);
        if (!timer) break;
        time.now = Math.max(time.now, timer.at);
        timer.fn();
        await settle();
      }
      time.now = until;
    }

    async function kill(device: SimDevice): Promise<void> {
      const inc = device.live!;
      const inFlight = net.queue.findIndex((m) => m.kind === 'request' && m.device === device.id && m.incarnation === inc.number);
      if (inFlight >= 0) {
        figures.faults.killedMidSync += 1;
        if (rng.chance(0.5)) {
          // The server committed the request; the process died before the answer arrived.
          const message = net.take(inFlight) as QueuedRequest;
          record(await net.exchange(message));
          trace.push(`kill-after-commit ${device.id}`);
        } else {
          trace.push(`kill-before-send ${device.id}`);
        }
      } else {
        figures.faults.killedIdle += 1;
        trace.push(`kill-idle ${device.id}`);
      }
      device.kill();
      await withTimeout(`reopening ${device.id}`, device.open());
    }

    /**
     * A user proves their email as a person would: a fresh code (the one from
     * sign-up may have expired in simulated time), read from the mail the
     * server wrote, entered through the API. From then on what is addressed
     * to them is theirs: a visibility change the oracle learns in order.
     */
    async function verify(user: SimUser): Promise<void> {
      if (user.email_verified) return;
      const before = (await waitForMail(server!.mailDir, { to: user.email, kind: 'verification' })).length;
      const resend = await request(url, 'POST', '/api/auth/verify/resend', { token: user.token });
      if (resend.status !== 202 && resend.status !== 429) fail(`resend for ${user.email}: ${resend.status}`);
      // 429: the last code is under a minute old, so still good.
      const sent = await waitForMail(server!.mailDir, { to: user.email, kind: 'verification', count: resend.status === 202 ? before + 1 : before });
      const res = await request(url, 'POST', '/api/auth/verify', { token: user.token, body: { code: codeIn(sent.at(-1)!.text) } });
      if (res.status !== 200) {
        fail(`verify ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
        return;
      }
      user.email_verified = true;
      oracle.verify(user.id);
      reclamping.verify(user.id);
      figures.verifications += 1;
      trace.push(`verify @user${userIndex.get(user.id)}`);
    }

    const candidateName = () => `Referee ${rng.id(4)}`;
    const refereeEmail = (self: SimUser) => {
      const others = users.filter((u) => u.id !== self.id);
      // Now and then a request to oneself: the server refuses it, and the device shows why.
      if (rng.chance(0.03)) return self.email;
      return rng.chance(0.8) ? rng.pick(others).email : `outside${rng.int(3)}.seed${seed}@example.org`;
    };

    async function act(device: SimDevice, kind: IntentKind): Promise<void> {
      const inc = device.live!;
      const me = device.user;
      const refs = await device.rows('references');
      const mine = refs.filter((r) => r.user_id === me.id);
      const inbox = refs.filter((r) => r.referee_email === me.email && r.user_id !== me.id);
      const note = (table: Intent['table'], id: string, values: Intent['values'], seenStatus?: string) => {
        intents.push({ step, device: device.id, userId: me.id, email: me.email, kind, table, id, values, stamp: inc.lastStamp, ...(seenStatus ? { seenStatus } : {}) });
        figures.writes[kind] += 1;
        // Server-made user ids are random: name users by index so equal seeds give equal traces.
        let line = `${kind} ${device.id} ${id} ${JSON.stringify(values)}`;
        for (const [uid, i] of userIndex) line = line.replaceAll(uid, `@user${i}`);
        trace.push(line);
      };
      switch (kind) {
        case 'create': {
          const values = { referee_name: candidateName(), referee_email: refereeEmail(me), message: rng.chance(0.3) ? '' : `Note ${rng.id(5)}` };
          const id = await withTimeout('requestReference', inc.actions.requestReference({ refereeName: values.referee_name, refereeEmail: values.referee_email, message: values.message }));
          note('references', id, { user_id: me.id, ...values, status: 'pending', response: null, responded_at: null });
          return;
        }
        case 'edit': {
          if (!mine.length) return;
          const target = rng.pick(mine);
          const values: Record<string, string> = {};
          if (rng.chance(0.5)) values.referee_name = candidateName();
          if (rng.chance(0.4)) values.message = `Edited ${rng.id(5)}`;
          if (rng.chance(0.3) || Object.keys(values).length === 0) values.referee_email = refereeEmail(me);
          await withTimeout('editReference', device.editReference(target.id, values));
          note('references', target.id, values);
          return;
        }
        case 'delete': {
          if (!mine.length) return;
          const target = rng.pick(mine);
          await withTimeout('deleteReference', inc.actions.deleteReference(target.id));
          note('references', target.id, {}, String(target.status));
          return;
        }
        case 'respond': {
          if (!inbox.length) return;
          const target = rng.pick(inbox);
          const text = `Reference ${rng.id(6)}`;
          await withTimeout('respond', inc.actions.respond(target.id, text));
          note('references', target.id, { status: 'completed', response: text, responded_at: inc.lastStamp });
          return;
        }
        case 'decline': {
          if (!inbox.length) return;
          const target = rng.pick(inbox);
          await withTimeout('decline', inc.actions.decline(target.id));
          note('references', target.id, { status: 'declined', response: null, responded_at: inc.lastStamp });
          return;
        }
        case 'rename': {
          // The own users row arrives with the first pull; before that there is nothing to rename.
          if (!(await device.rows('users')).some((u) => u.id === me.id)) return;
          const name = `User ${userIndex.get(me.id)} ${rng.id(4)}`;
          await withTimeout('updateName', inc.actions.updateName(name));
          note('users', me.id, { name });
          return;
        }
      }
    }

    // The random walk.
    for (step = 1; step <= steps; step += 1) {
      const device = rng.pick(devices);
      const hasQueue = net.queue.length > 0;
      const together = options.concurrentPushes ? disjointPushes(4) : [];
      const choice = rng.weighted({
        deliver: hasQueue ? 40 : 0,
        together: together.length > 1 ? 30 : 0,
        time: 10,
        create: 5,
        edit: 6,
        delete: 2,
        respond: 4,
        decline: 2,
        rename: 1,
        sync: 4,
        network: device.online ? 2 : 6,
        skew: 1,
        kill: 2,
        worker: 2,
        autosave: 2,
        verify: users.some((u) => !u.email_verified) ? 1 : 0,
      });
      if (!device.live) await device.open();
      // The app is closed while its worker syncs: what the person does waits for the next open.
      if (device.live!.background && !['deliver', 'time', 'network', 'skew', 'verify'].includes(choice)) {
        trace.push(`closed ${device.id}: ${choice} waits`);
        await settle();
        continue;
      }
      switch (choice) {
        case 'deliver':
          await deliver(rng.int(net.queue.length), true);
          break;
        case 'together':
          await deliverTogether(together);
          break;
        case 'time': {
          const ms = rng.weighted({ short: 80, retry: 15, long: 5 });
          const d = ms === 'short' ? rng.between(0, 2_000) : ms === 'retry' ? rng.between(2_000, 70_000) : rng.between(5 * 60_000, 20 * 60_000);
          if (ms !== 'short') figures.faults.timeJumps += 1;
          trace.push(`time +${d}`);
          await advance(d);
          break;
        }
        case 'create':
        case 'edit':
        case 'delete':
        case 'respond':
        case 'decline':
        case 'rename':
          await act(device, choice);
          break;
        case 'sync':
          trace.push(`sync ${device.id}`);
          void device.live!.engine.syncNow();
          break;
        case 'network': {
          const online = !device.online;
          if (!online) {
            figures.faults.wentOffline += 1;
            figures.faults.requestsCutByGoingOffline += net.queue.filter((m) => m.kind === 'request' && m.device === device.id).length;
          }
          trace.push(`${online ? 'online' : 'offline'} ${device.id}`);
          device.setOnline(online);
          break;
        }
        case 'skew':
          figures.faults.clockSkewChanges += 1;
          device.skew = rng.chance(0.2) ? 0 : rng.between(-HOUR, HOUR);
          noteSkew(device.skew);
          trace.push(`skew ${device.id} ${device.skew}`);
          break;
        case 'kill':
          await kill(device);
          break;
        case 'worker':
          // Every tab closed (what was written is saved: each action awaits it), then the worker's sync event.
          figures.faults.closedWorkerSyncs += 1;
          trace.push(`closed-worker-sync ${device.id}`);
          device.kill();
          await withTimeout(`worker sync of ${device.id}`, device.open({ background: true }));
          break;
        case 'verify':
          await verify(rng.pick(users.filter((u) => !u.email_verified)));
          break;
        case 'autosave':
          figures.faults.autosaves += 1;
          trace.push(`autosave ${device.id}`);
          await device.live!.persistence.saveNow().catch(() => undefined);
          break;
      }
      await settle();
    }

    // Heal: everyone online and running, no more faults, sync until a whole round moves nothing.
    log(`seed ${seed}: ${steps} steps done, healing`);
    // Everyone proves their email in the end, so everything addressed reaches its referee.
    for (const user of users) await verify(user);
    for (const device of devices) {
      // A worker run still going: the app opens and takes over (the browser may stop a worker at any time).
      if (device.live?.background) device.kill();
      if (!device.live) await device.open();
      device.setOnline(true);
    }
    await settle();
    const drain = async () => {
      for (let i = 0; i < 10_000 && net.queue.length; i += 1) {
        await deliver(0, false);
        await settle();
      }
    };
    let quiet = false;
    for (let round = 1; round <= 30 && !quiet; round += 1) {
      figures.healRounds = round;
      const before = moved;
      await drain();
      await advance(61_000);
      await drain();
      for (const device of devices) {
        for (const table of ['references', 'users'] as const) {
          for (const row of await device.rows(table)) {
            if (row.sync_status !== 'error') continue;
            figures.discardedByUser += 1;
            trace.push(`discard ${device.id} ${row.id}`);
            await device.discard(table, row.id);
          }
        }
      }
      await settle();
      for (const device of devices) void device.live!.engine.syncNow();
      await settle();
      await drain();
      let pending = 0;
      for (const device of devices) pending += (await device.live!.store.outbox()).length;
      quiet = moved === before && pending === 0 && net.queue.length === 0;
    }
    if (!quiet) fail('heal: the devices did not become quiescent in 30 rounds');
    step = steps + 1;

    const checked = await runChecks({ url, users, devices, oracle, reclamping, intents, pushes });
    for (const f of checked.failures) fail(f);
    figures.referencesOnServer = checked.referencesOnServer;
    figures.referencesDeleted = [...oracle.references.values()].filter((r) => r.deleted).length;
    figures.writesLost = checked.lostWrites;
    figures.orderAnomalies = checked.orderAnomalies;
    figures.updatedAtDivergences = checked.updatedAtDivergences;
    figures.replayReclamps = checked.replayReclamps;
    warnings.push(...checked.warnings);
  } catch (error) {
    failures.push(`step ${step}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    for (const device of devices) device.kill();
    await server?.close().catch(() => undefined);
    figures.simulatedMinutes = Math.round((time.now - START_TIME) / 60_000);
    figures.elapsedMs = Date.now() - started;
  }
  return { ok: failures.length === 0, failures, warnings, figures, replay: replayCommand(seed, steps, options.backend), traceDigest: digest(trace), trace };
}
