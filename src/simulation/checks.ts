/**
 * After healing: what every device holds, what the server serves and what
 * the oracle predicts must agree.
 * - server == oracle, per column, for every reference (and users' names);
 * - each device == the server's view for its user (ids, data columns and
 *   updated_at), nothing pending, no duplicate ids;
 * - nothing deleted comes back (resurrection), nothing is duplicated;
 * - no write a user made is lost (intents.ts).
 */
import { request } from '../../tools/test-support/harness';
import { findLostWrites, findOrderAnomalies, type Intent } from './intents';
import { ORACLE_REFERENCE_COLUMNS, type CommittedPush, type MergeOracle } from './oracle';
import type { Row, SimDevice, SimUser } from './sim-device';

type PulledRow = Record<string, unknown> & { id: string };
interface PullBody {
  changes: Record<string, { created: PulledRow[]; updated: PulledRow[]; deleted: string[] }>;
  timestamp: number;
  more?: boolean;
}

async function serverView(url: string, user: SimUser): Promise<{ references: Map<string, PulledRow>; users: Map<string, PulledRow>; duplicates: string[] }> {
  const references = new Map<string, PulledRow>();
  const users = new Map<string, PulledRow>();
  const duplicates: string[] = [];
  let since = 0;
  for (let page = 0; page < 1_000; page += 1) {
    const res = await request<PullBody>(url, 'GET', `/api/sync/pull?since=${since}`, { token: user.token });
    if (res.status !== 200) throw new Error(`final pull for ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
    for (const [table, target] of [['references', references], ['users', users]] as const) {
      const set = res.body.changes[table];
      for (const row of [...(set?.created ?? []), ...(set?.updated ?? [])]) {
        if (target.has(row.id) && since === 0 && page === 0) duplicates.push(`${table}/${row.id}`);
        target.set(row.id, row);
      }
      for (const id of set?.deleted ?? []) target.delete(id);
    }
    since = res.body.timestamp;
    if (!res.body.more) break;
  }
  return { references, users, duplicates };
}

const norm = (column: string, value: unknown) => (column === 'message' && (value === null || value === undefined) ? '' : (value ?? null));

function diffColumns(columns: readonly string[], expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const column of columns) {
    const e = norm(column, expected[column]);
    const a = norm(column, actual[column]);
    if (e !== a) out.push(`${column}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
  }
  return out;
}

export interface CheckInput {
  url: string;
  users: SimUser[];
  devices: SimDevice[];
  /** The merge rule with replay-stable clamping (CONTRACT: pushing twice = once). */
  oracle: MergeOracle;
  /** The same rule clamping every receipt anew: only names a failure where the server did that. */
  reclamping: MergeOracle;
  intents: Intent[];
  pushes: CommittedPush[];
}

export interface CheckResult {
  failures: string[];
  /** Findings that do not fail the run (see findOrderAnomalies). */
  warnings: string[];
  referencesOnServer: number;
  lostWrites: number;
  orderAnomalies: number;
  /** Device rows whose updated_at is not the server's (each one a failure). */
  updatedAtDivergences: number;
  /** Columns where the server took a replayed push at a new receipt time (each one a failure). */
  replayReclamps: number;
}

export async function runChecks(input: CheckInput): Promise<CheckResult> {
  const { url, users, devices, oracle, reclamping, intents, pushes } = input;
  const failures: string[] = [];
  let updatedAtDivergences = 0;
  let replayReclamps = 0;
  const views = new Map<string, Awaited<ReturnType<typeof serverView>>>();
  for (const user of users) views.set(user.id, await serverView(url, user));

  // The server against the oracle.
  const onServer = new Map<string, PulledRow>();
  for (const view of views.values()) {
    for (const d of view.duplicates) failures.push(`duplicate: the server's pull lists ${d} twice`);
    for (const [id, row] of view.references) onServer.set(id, row);
  }
  for (const ref of oracle.references.values()) {
    const row = onServer.get(ref.id);
    if (ref.deleted) {
      if (row) failures.push(`resurrected: references/${ref.id} was deleted but the server still serves it`);
      continue;
    }
    if (!row) {
      failures.push(`missing: references/${ref.id} should exist (oracle) but no user pulls it`);
      continue;
    }
    for (const d of diffColumns(ORACLE_REFERENCE_COLUMNS, ref.values, row)) {
      const column = d.split(':')[0]!;
      const naive = reclamping.references.get(ref.id);
      const reclamped = naive !== undefined && norm(column, naive.values[column]) === norm(column, row[column]);
      if (reclamped) replayReclamps += 1;
      const why = reclamped ? '; the server took a replayed push at a new receipt time: pushing twice != once' : '';
      failures.push(`merge: references/${ref.id} ${d} (oracle: set by push #${ref.setBy[column]} at ${ref.times[column]}${why})`);
    }
  }
  for (const id of onServer.keys()) if (!oracle.references.has(id)) failures.push(`unexpected: the server serves references/${id} that no committed push created`);

  for (const user of users) {
    const view = views.get(user.id)!;
    const expected = new Set(oracle.visibleTo({ id: user.id, email: user.email }).map((r) => r.id));
    for (const id of expected) if (!view.references.has(id)) failures.push(`visibility: ${user.email} should see references/${id}`);
    for (const id of view.references.keys()) if (!expected.has(id)) failures.push(`visibility: ${user.email} should not see references/${id}`);
    for (const [id, row] of view.users) {
      const o = oracle.users.get(id);
      if (!o) failures.push(`unexpected users row ${id} for ${user.email}`);
      else if (row.name !== o.name || row.email !== o.email) {
        failures.push(`merge: users/${id} name ${JSON.stringify(row.name)} on the server, oracle ${JSON.stringify(o.name)} (push #${o.setBy})`);
      }
    }
    if (!view.users.has(user.id)) failures.push(`visibility: ${user.email} does not pull their own users row`);
    for (const ref of view.references.values()) {
      if (ref.referee_email === user.email && !view.users.has(String(ref.user_id))) {
        failures.push(`visibility: ${user.email} sees references/${ref.id} but not its candidate's users row`);
      }
    }
  }

  // Every device against the server's view of its user.
  for (const device of devices) {
    const view = views.get(device.user.id)!;
    const outbox = await device.mustLive().store.outbox();
    if (outbox.length) failures.push(`device ${device.id}: ${outbox.length} outbox entries left after healing (${JSON.stringify(outbox.slice(0, 3))})`);
    for (const table of ['references', 'users'] as const) {
      const local = await device.rows(table);
      const seen = new Set<string>();
      const expected = table === 'references' ? view.references : view.users;
      const columns = table === 'references' ? ORACLE_REFERENCE_COLUMNS : ['email', 'name'];
      for (const row of local as Row[]) {
        if (seen.has(row.id)) failures.push(`duplicate: device ${device.id} holds ${table}/${row.id} twice`);
        seen.add(row.id);
        if (row._status !== 'synced' || row.sync_status !== 'synced') {
          failures.push(`device ${device.id}: ${table}/${row.id} is ${String(row._status)}/${String(row.sync_status)} after healing`);
        }
        const server = expected.get(row.id);
        if (!server) {
          const deleted = table === 'references' && oracle.references.get(row.id)?.deleted;
          failures.push(`${deleted ? 'resurrected' : 'stale'}: device ${device.id} holds ${table}/${row.id} that its user does not see on the server`);
          continue;
        }
        for (const d of diffColumns(columns, server, row)) failures.push(`diverged: device ${device.id} ${table}/${row.id} ${d} (expected = server)`);
        // The server dates a new reference (created_at at receipt): every device ends with its date.
        for (const d of diffColumns(table === 'references' ? ['created_at'] : [], server, row)) failures.push(`diverged: device ${device.id} ${table}/${row.id} ${d} (expected = server)`);
        // The device's updated_at seeds its hybrid clock after a restart and orders its next
        // write: it must be the server's too (a push the server kept another row for moves it).
        for (const d of diffColumns(['updated_at'], server, row)) {
          updatedAtDivergences += 1;
          failures.push(`diverged: device ${device.id} ${table}/${row.id} ${d} (expected = server)`);
        }
      }
      for (const id of expected.keys()) if (!seen.has(id)) failures.push(`missing: device ${device.id} lacks ${table}/${id}`);
    }
  }

  const lost = findLostWrites(intents, pushes, oracle);
  for (const l of lost.slice(0, 10)) {
    failures.push(`lost write: ${l.intent.kind} by ${l.intent.device} at step ${l.intent.step} on ${l.intent.table}/${l.intent.id} ${l.column}: ${l.why}`);
  }
  const anomalies = findOrderAnomalies(intents, pushes, oracle);
  const warnings = [
    ...anomalies.slice(0, 10).map((a) => `write order: references/${a.id} ${a.detail}`),
  ];
  return {
    failures,
    warnings,
    referencesOnServer: onServer.size,
    lostWrites: lost.length,
    orderAnomalies: anomalies.length,
    updatedAtDivergences,
    replayReclamps,
  };
}
