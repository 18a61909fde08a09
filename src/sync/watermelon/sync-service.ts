/**
 * One sync run: WatermelonDB's synchronize() (pull → apply → push → mark
 * acknowledged records synced), then the outbox settles against the result.
 *
 * - An incremental pull folds its pages (usually one) into one write
 *   (pull-pages.ts). A pull from 0 (first sync, recovery) applies each page
 *   in its own synchronize() with that page's cursor: a page ends exactly
 *   after one entry, so each is a safe place to stop, no single write holds
 *   the screen for all of a large account, and a crash keeps what arrived.
 * - Pushed records the server rejects go back as `experimentalRejectedIds`:
 *   they stay unsynced, get sync_status 'error', and block nothing else.
 *   Later pushes leave them out (and return them as rejected again) until
 *   the user edits them or presses Retry: see withoutRefused().
 * - When the push reports a conflict the SERVER won, our local copy holds the
 *   losing value: a follow-up pull runs at once. If that pull does not carry
 *   the record (the winning write predates our cursor), the next pull starts
 *   from 0 so the server's version comes back through the same merge path.
 * - Every write of ours that lost (a column the server kept its own value of,
 *   or local changes a pulled deletion removed) goes to the conflict log
 *   (conflict-log.ts), so the user can see it and restore it.
 * - Pulled rows are server state: they arrive as sync_status 'synced'.
 */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import type { DirtyRaw } from '@nozbe/watermelondb/RawRecord';
import { synchronize } from '@nozbe/watermelondb/sync';
import type { SyncDatabaseChangeSet, SyncPullResult, SyncPushResult, SyncTableChangeSet } from '@nozbe/watermelondb/sync';
import { SYNCED_TABLES, isSyncedTable } from '../../shared/schema';
import type { HybridClock } from '../hybrid-clock';
import { appendToConflictLog, deletionNotSent, lossByDeletion, lossByPulledDeletion, lossesAfterPush, pushedColumns, type ConflictEntry } from '../conflict-log';
import { META_CLOCK_OFFSET, META_FULL_PULL_NEEDED, META_SERVER_RESTORED, type LocalStore, type RefusedVersion } from '../local-store';
import { SyncError, SyncErrorCode } from '../errors';
import { createPagesAhead } from '../pages-ahead';
import { countChanges, pullAllPages } from '../pull-pages';
import { resolvePulled, type Raw } from '../resolve-pulled';
import { quietOpaqueCursorNotice } from './opaque-cursors';
import type { ChangeSet, Logger, Persistence, PushConflict, Transport, WallClock, WireRow } from '../ports';

export interface SyncRunResult {
  pulled: number;
  pushed: number;
  conflicts: PushConflict[];
  rejected: number;
  /** The run pulled from 0 (first sync, or recovery). */
  fullPull: boolean;
}

export interface SyncServiceDeps {
  database: Database;
  transport: Transport;
  store: LocalStore;
  clock: HybridClock;
  wall: WallClock;
  persistence: Persistence;
  logger: Logger;
  /** Records per push request (default 1,000). */
  pushChunkSize?: number;
  /** About the most bytes of JSON per push request (default PUSH_MAX_BYTES). */
  pushMaxBytes?: number;
  /**
   * Entries per page, and so per local write, of a pull from 0 (default 5,000,
   * the most the server sends): one write of a whole large account holds the
   * main thread for a visible freeze, but each write also rebuilds LokiJS's
   * indexes over ALL records stored so far, so smaller pages cost more in all
   * (50,000 records: 4.2 s in pages of 2,000, 2.8 s in pages of 5,000).
   */
  firstSyncPageSize?: number;
  /** This device's user: the conflict log says whether a winning write came from another of their devices or another user. */
  userId?: () => string;
  /** Progress of a pull from 0 (the first sync on this device). */
  onInitialProgress?: (progress: { received: number; total: number | null } | null) => void;
}

interface OnceResult {
  /** The server has more after the page this run applied (paged pulls only). */
  more: boolean;
  pulledIds: Set<string>;
  pulled: number;
  pushed: number;
  conflicts: PushConflict[];
  rejected: Record<string, RefusedVersion[]>;
  fullPull: boolean;
}

/**
 * Thrown inside a pull when the server answers a cursor it never issued by
 * starting over from 0 (PullResponse.restarted): aborting there leaves
 * nothing of that pull applied, and the run pulls from 0 in its place.
 */
class PullRestarted extends Error {
  constructor() {
    super('the server did not know the pull cursor');
  }
}

/** Entries per page of a pull from 0 (SyncServiceDeps.firstSyncPageSize). */
export const FIRST_SYNC_PAGE_SIZE = 5_000;

function key(table: string, id: string) {
  return `${table}/${id}`;
}

function splitKey(k: string): [table: string, id: string] {
  const at = k.indexOf('/');
  return [k.slice(0, at), k.slice(at + 1)];
}

/** UTF-8 length of a string, without an encoder (not every JS runtime the engine targets has TextEncoder). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte character.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The server refuses a body over 5 MB; parts stay well under it (the envelope,
 * headers and a row's JSON escaping are small next to the margin).
 */
export const PUSH_MAX_BYTES = 1_000_000;

/**
 * Splits a change set into parts of at most `size` entries (created + updated
 * + deleted) and about `maxBytes` of JSON each. One entry bigger than
 * `maxBytes` (no valid row is: the field limits keep a row under 100 KB) goes alone.
 */
export function chunkChanges(changes: ChangeSet, size: number, maxBytes = PUSH_MAX_BYTES): ChangeSet[] {
  const parts: ChangeSet[] = [];
  let part: ChangeSet = {};
  let n = 0;
  let bytes = 0;
  const slot = (table: string) => (part[table] ??= { created: [], updated: [], deleted: [] });
  const add = (table: string, kind: 'created' | 'updated' | 'deleted', item: WireRow | string) => {
    // A separating comma, and the table's envelope once per part.
    const itemBytes = utf8Length(JSON.stringify(item)) + 1 + (part[table] ? 0 : utf8Length(table) + 48);
    if (n === size || (n > 0 && bytes + itemBytes > maxBytes)) {
      parts.push(part);
      part = {};
      n = 0;
      bytes = 0;
    }
    if (kind === 'deleted') slot(table).deleted.push(item as string);
    else slot(table)[kind].push(item as WireRow);
    n += 1;
    bytes += itemBytes;
  };
  for (const [table, set] of Object.entries(changes)) {
    if (!set) continue;
    for (const row of set.created) add(table, 'created', row);
    for (const row of set.updated) add(table, 'updated', row);
    for (const id of set.deleted) add(table, 'deleted', id);
  }
  if (n > 0) parts.push(part);
  return parts;
}

/**
 * Leaves out of a push the records the server refused that have not changed
 * since (`refused`: LocalStore.refusedUnchanged()). The server answered this
 * exact change already; sending it on every later sync only gets it refused
 * again. It waits, still 'error' with its failed entry and the server's
 * message, until the user edits it or presses Retry. Deletions are never held
 * (the store lists no deleted record).
 */
export function withoutRefused(
  changes: SyncDatabaseChangeSet,
  refused: Record<string, string[]>,
): { changes: SyncDatabaseChangeSet; held: Record<string, string[]> } {
  const held: Record<string, string[]> = {};
  const out: Record<string, SyncTableChangeSet> = {};
  for (const [table, set] of Object.entries(changes) as [string, SyncTableChangeSet][]) {
    const ids = refused[table];
    if (!ids?.length) {
      out[table] = set;
      continue;
    }
    const skip = new Set(ids);
    const keep = (raw: DirtyRaw) => {
      const id = String(raw.id);
      if (!skip.has(id)) return true;
      (held[table] ??= []).push(id);
      return false;
    };
    out[table] = { created: set.created.filter(keep), updated: set.updated.filter(keep), deleted: set.deleted };
  }
  return { changes: out as SyncDatabaseChangeSet, held };
}

/**
 * Follow-up pulls one run makes after pushes that lost. Each one's push can lose
 * again only to writes made while the run was under way, so this bounds a user
 * (or another device) writing without pause, not a normal run (one or two).
 */
const MAX_FOLLOW_UPS = 3;

export interface SyncRunOptions {
  /**
   * false: push local changes without asking the server for changes first
   * (a run for the user's own write: the server merges per column anyway, and
   * a conflict it reports still pulls at once). Default true. A device that
   * never pulled, or must pull from 0, pulls regardless.
   */
  pull?: boolean;
}

export interface SyncService {
  run(options?: SyncRunOptions): Promise<SyncRunResult>;
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  quietOpaqueCursorNotice();
  const { database, transport, store, clock, wall, logger } = deps;
  const pushChunkSize = deps.pushChunkSize ?? 1_000;
  const pushMaxBytes = deps.pushMaxBytes ?? PUSH_MAX_BYTES;
  const firstSyncPageSize = deps.firstSyncPageSize ?? FIRST_SYNC_PAGE_SIZE;

  function normalizePulled(changes: ChangeSet, now: number, pulledIds: Set<string>): SyncDatabaseChangeSet {
    const out: Record<string, SyncTableChangeSet> = {};
    for (const [table, set] of Object.entries(changes)) {
      // Only synced tables exist on both sides; anything else would be a server bug.
      if (!set || !isSyncedTable(table)) continue;
      const fix = (row: WireRow): DirtyRaw => {
        pulledIds.add(key(table, row.id));
        if (typeof row.updated_at === 'number') clock.observe(row.updated_at);
        return { ...row, sync_status: 'synced', server_id: row.id, last_synced_at: now, is_deleted: false };
      };
      for (const id of set.deleted) pulledIds.add(key(table, id));
      // Every row goes in as `updated` (with sendCreatedAsUpdated below): for a row the server
      // calls "created" that we deleted locally and have not pushed yet, WatermelonDB would
      // otherwise drop our pending deletion and recreate the row; a re-sent row we already
      // have would log a false "serious bug". As `updated`, a missing row is created, an
      // existing one merged, and a pending local deletion kept.
      out[table] = { created: [], updated: [...set.created, ...set.updated].map(fix), deleted: set.deleted };
    }
    return out as SyncDatabaseChangeSet;
  }

  // What this run pushed (table/id -> the columns it meant to change) and the losses it found.
  let pushedThisRun = new Map<string, { table: string; id: string; values: Record<string, unknown> }>();
  let lossesThisRun: ConflictEntry[] = [];
  // Records this run pushed (and so marked synced) that a later pull of the run deleted, as they were.
  let deletedAfterPush = new Map<string, Raw>();
  const lossContext = () => ({ at: wall(), self: deps.userId?.() ?? null });
  /** lossContext() with the users rows this device holds, which name the candidates of requests to this user. */
  async function lossContextWithPeople() {
    const people = new Map((await database.get('users').query().fetch()).map((r) => [r.id, r._raw as unknown as Raw]));
    return { ...lossContext(), people };
  }

  function notePushed(changes: SyncDatabaseChangeSet) {
    for (const [table, set] of Object.entries(changes) as [string, SyncTableChangeSet][]) {
      if (!isSyncedTable(table)) continue;
      for (const raw of [...set.created, ...set.updated]) {
        const values = pushedColumns(table, raw as Raw);
        if (values) pushedThisRun.set(key(table, String(raw.id)), { table, id: String(raw.id), values });
      }
    }
  }

  /** Records with local changes that this pull deletes: WatermelonDB lets the deletion win, so ours lost. */
  async function notePulledDeletions(changes: ChangeSet) {
    for (const [table, set] of Object.entries(changes)) {
      if (!set?.deleted.length || !isSyncedTable(table)) continue;
      const local = await database.get(table).query(Q.where('id', Q.oneOf(set.deleted))).fetch();
      // Before the pull is applied: a candidate's users row leaves with their last request to this user.
      const ctx = local.length ? await lossContextWithPeople() : lossContext();
      for (const record of local) {
        const raw = record._raw as unknown as Raw;
        const loss = lossByPulledDeletion(table, raw, ctx);
        if (loss) lossesThisRun.push(loss);
        else if (pushedThisRun.has(key(table, record.id))) deletedAfterPush.set(key(table, record.id), { ...raw });
      }
    }
  }

  /**
   * A request this device deleted while it showed it pending, that a pull now
   * brings answered: the user deleted it without having seen the answer
   * (offline, or before the answer arrived). Deleting an answered reference
   * asks first, and on the server a deletion is final, so this deletion is not
   * sent: the deleted copy is dropped and the pulled one takes its place (sent
   * to WatermelonDB as `updated`, a missing record is created), and the
   * conflict log says why. Its outbox entry settles with it. A reference
   * deleted as answered (the user was asked) stays deleted.
   */
  async function keepAnswersOverUnseenDeletions(changes: ChangeSet) {
    const set = changes.references;
    if (!set) return;
    const answered = [...set.created, ...set.updated].filter((row) => typeof row.status === 'string' && row.status !== 'pending');
    if (!answered.length) return;
    const deleted = new Set(await database.adapter.getDeletedRecords('references'));
    const unseen: string[] = [];
    for (const row of answered) {
      if (!deleted.has(row.id)) continue;
      // find() still returns a record marked deleted, as it was when deleted.
      const local = (await database.get<Model>('references').find(row.id))._raw as unknown as Raw;
      if (local.status !== 'pending') continue;
      unseen.push(row.id);
      lossesThisRun.push(deletionNotSent(local, row as Raw, lossContext()));
    }
    if (!unseen.length) return;
    await database.write(() => database.adapter.destroyDeletedRecords('references', unseen), 'sync-keep-answered');
    logger.warn(`sync: ${unseen.length} deletion(s) not sent: the referee answered before this device showed it`);
  }

  /** After the pulls that follow a push the server partly refused: which of our columns now hold its value. */
  async function notePushLosses(lost: PushConflict[]) {
    if (!lost.length) return;
    const ctx = await lossContextWithPeople();
    // One query per table: a large offline backlog of new records is reported "server" record by record.
    const idsByTable = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const conflict of lost) {
      const k = key(conflict.table, conflict.id);
      // A record reported by several pushes of the run is checked once, against what it holds now.
      if (!pushedThisRun.has(k) || seen.has(k)) continue;
      seen.add(k);
      let ids = idsByTable.get(conflict.table);
      if (!ids) idsByTable.set(conflict.table, (ids = []));
      ids.push(conflict.id);
    }
    for (const [table, ids] of idsByTable) {
      const found = new Map((await database.get(table).query(Q.where('id', Q.oneOf(ids))).fetch()).map((r) => [r.id, r._raw as unknown as Raw]));
      for (const id of ids) {
        const pushed = pushedThisRun.get(key(table, id))!;
        const now = found.get(id);
        const before = deletedAfterPush.get(key(table, id));
        if (!now && before) {
          // Our push lost to a deletion (the server keeps a deleted record deleted), which the follow-up pull brought.
          const loss = lossByDeletion(table, before, pushed.values, 'push', ctx);
          if (loss) lossesThisRun.push(loss);
        } else lossesThisRun.push(...lossesAfterPush(table, id, pushed.values, now ?? null, ctx));
      }
    }
  }

  function toWire(changes: SyncDatabaseChangeSet): { wire: ChangeSet; count: number } {
    const wire: ChangeSet = {};
    let count = 0;
    for (const [table, set] of Object.entries(changes) as [string, SyncTableChangeSet][]) {
      // sync_queue and sync_metadata are local only (CONTRACT §2).
      if (!isSyncedTable(table)) continue;
      // Copies: synchronize() compares the raws it handed us with the records afterwards.
      const strip = (raw: DirtyRaw): WireRow => {
        const { _status: _s, ...rest } = raw as Record<string, unknown>;
        return rest as WireRow;
      };
      const created = set.created.map(strip);
      const updated = set.updated.map(strip);
      count += created.length + updated.length + set.deleted.length;
      if (created.length || updated.length || set.deleted.length) wire[table] = { created, updated, deleted: [...set.deleted] };
    }
    return { wire, count };
  }

  /** A pull from 0 in progress, page by page. */
  interface Paging {
    /** Shown to the user: the device had never synced. */
    initial: boolean;
    received: number;
    total: number | null;
  }

  async function once(fromZero: boolean, paging: Paging | null, pushOnly = false): Promise<OnceResult> {
    const result: OnceResult = { more: false, pulledIds: new Set(), pulled: 0, pushed: 0, conflicts: [], rejected: {}, fullPull: false };
    await synchronize({
      database,
      migrationsEnabledAtVersion: 1,
      sendCreatedAsUpdated: true,
      pullChanges: async ({ lastPulledAt }): Promise<SyncPullResult> => {
        // A deletion waiting to go out pulls first even so: the pull may bring the referee's
        // answer, which the deletion must not destroy unseen (keepAnswersOverUnseenDeletions).
        const deleting = pushOnly && (await database.adapter.getDeletedRecords('references')).length > 0;
        if (pushOnly && !deleting && !fromZero && lastPulledAt) return { changes: {}, timestamp: lastPulledAt };
        const since = fromZero ? 0 : (lastPulledAt ?? 0);
        result.fullPull = since === 0;
        if (since === 0 && !paging) heldBeforeFullPull = await syncedIds();
        if (paging || since === 0) {
          const p = paging ?? { initial: lastPulledAt == null, received: 0, total: null };
          if (p.initial && p.received === 0) deps.onInitialProgress?.({ received: 0, total: null });
          const page = await pages.take(since);
          if (page.restarted && since !== 0) throw new PullRestarted();
          if (page.serverTime !== undefined) clock.observeServerTime(page.serverTime);
          const count = countChanges(page.changes);
          p.received += count;
          p.total = page.more ? (page.remaining !== undefined ? p.received + page.remaining : p.total) : p.received;
          if (p.initial) deps.onInitialProgress?.({ received: p.received, total: p.total });
          result.pulled = count;
          result.more = page.more === true;
          // A server that says "more" without moving its cursor would make us loop forever.
          if (result.more && page.timestamp === since) throw new SyncError(SyncErrorCode.protocol, `pull cursor did not advance past ${since} although more was set`);
          if (result.more) {
            pagingState = p;
            pages.ahead(page.timestamp);
          }
          await keepAnswersOverUnseenDeletions(page.changes);
          await notePulledDeletions(page.changes);
          return { changes: normalizePulled(page.changes, wall(), result.pulledIds), timestamp: page.timestamp };
        }
        const pulled = await pullAllPages(transport, since, (page) => {
          if (page.restarted) throw new PullRestarted();
          if (page.serverTime !== undefined) clock.observeServerTime(page.serverTime);
        });
        result.pulled = pulled.received;
        await keepAnswersOverUnseenDeletions(pulled.changes);
        await notePulledDeletions(pulled.changes);
        return { changes: normalizePulled(pulled.changes, wall(), result.pulledIds), timestamp: pulled.timestamp };
      },
      pushChanges: async ({ changes: local, lastPulledAt }): Promise<SyncPushResult> => {
        const { changes, held } = withoutRefused(local, await store.refusedUnchanged());
        // Held records stay unsynced (WatermelonDB must not mark them synced), as refused ones do.
        const experimentalRejectedIds: Record<string, string[]> = held;
        const { wire, count } = toWire(changes);
        if (count === 0) return { experimentalRejectedIds };
        notePushed(changes);
        result.pushed = count;
        const rejected: Record<string, RefusedVersion[]> = {};
        // The stamp of each version sent: settle() leaves a refused record alone if it was written again since.
        const sentAt = new Map<string, number>();
        for (const [table, set] of Object.entries(changes) as [string, SyncTableChangeSet][]) {
          for (const raw of [...set.created, ...set.updated]) sentAt.set(key(table, String(raw.id)), Number(raw.updated_at));
        }
        // Several requests for a big backlog, by count and by bytes (a body over 5 MB gets 413).
        // A failure part-way fails the whole sync; parts already sent are harmless to send again.
        for (const part of chunkChanges(wire, pushChunkSize, pushMaxBytes)) {
          const response = await transport.push(part, lastPulledAt ?? null);
          if (response.serverTime !== undefined) clock.observeServerTime(response.serverTime);
          result.conflicts.push(...response.conflicts);
          for (const [table, rejections] of Object.entries(response.rejected)) {
            const versions = rejections.map((r): RefusedVersion => {
              const updatedAt = sentAt.get(key(table, r.id));
              return updatedAt === undefined || Number.isNaN(updatedAt) ? r : { ...r, updatedAt };
            });
            (rejected[table] ??= []).push(...versions);
          }
        }
        result.rejected = rejected;
        for (const [table, rejections] of Object.entries(rejected)) {
          if (rejections.length) (experimentalRejectedIds[table] ??= []).push(...rejections.map((r) => r.id));
        }
        return { experimentalRejectedIds };
      },
      conflictResolver: (table, local, remote, resolved) =>
        resolvePulled(table, local as unknown as Raw, remote as Raw, resolved as Raw) as DirtyRaw,
    });
    await store.settle(result.rejected);
    return result;
  }

  // Numbers this service's pulls from 0, for the mark each leaves until it is complete.
  let fullPulls = 0;

  // Set by a paged pull that has more to come; read by pullThrough().
  let pagingState: Paging | null = null;

  // The synced records the device held when a pull from 0 began (table/id).
  let heldBeforeFullPull: Set<string> | null = null;

  async function syncedIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const table of SYNCED_TABLES) {
      for (const id of await database.get<Model>(table).query(Q.where('_status', 'synced')).fetchIds()) held.add(key(table, id));
    }
    return held;
  }

  /**
   * A pull from 0 carries no deletions (CONTRACT §3): a record the device held
   * synced that the whole pull did not bring was deleted, or addressed away
   * from this user, since the device last pulled. It goes, unless it was
   * written locally meanwhile (then its push is answered for it).
   */
  async function dropNotPulled(held: Set<string>, pulled: Set<string>, restored: boolean): Promise<{ dropped: number; resent: string[] }> {
    const gone = new Map<string, string[]>();
    for (const k of held) {
      if (pulled.has(k)) continue;
      const [table, id] = splitKey(k);
      let ids = gone.get(table);
      if (!ids) gone.set(table, (ids = []));
      ids.push(id);
    }
    if (!gone.size) return { dropped: 0, resent: [] };
    const self = deps.userId?.() ?? null;
    const resent: string[] = [];
    const dropped = await database.write(async () => {
      const ops: Model[] = [];
      for (const [table, ids] of gone) {
        for (const record of await database.get<Model>(table).query(Q.where('id', Q.oneOf(ids))).fetch()) {
          const raw = record._raw as unknown as { _status: string; user_id?: unknown };
          if (raw._status !== 'synced') continue;
          // A restored server lost what was written after its backup: the user's own requests go to it again.
          if (restored && table === 'references' && self !== null && raw.user_id === self) resent.push(record.id);
          else ops.push(record.prepareDestroyPermanently());
        }
      }
      if (ops.length) await database.batch(...ops);
      return ops.length;
    }, 'sync-drop-not-pulled');
    return { dropped, resent };
  }

  /**
   * The user's own requests a restored server no longer has, written again as
   * pending requests (every column the candidate sets, the referee's answer
   * cleared: the server lost it with the rest): the server takes each as a
   * new request, or answers with its deletion if it had deleted it.
   */
  async function resend(ids: string[]): Promise<void> {
    for (const id of ids) {
      const row = await store.read('references', id);
      if (!row) continue;
      await store.apply({
        table: 'references',
        id,
        operation: 'update',
        values: {
          user_id: row.user_id as string,
          referee_name: row.referee_name as string,
          referee_email: row.referee_email as string,
          message: (row.message as string | null) ?? '',
          status: 'pending',
          response: null,
          responded_at: null,
          reminded_at: null,
        },
        at: clock.now(),
      });
    }
  }

  // The pages of a paged pull, each asked for as soon as its cursor is known (pages-ahead.ts).
  // A failed request fails the run that takes it.
  const pages = createPagesAhead((since, onNext) => transport.pull(since, firstSyncPageSize, onNext));

  /**
   * pullPages(); when the server did not know the cursor (PullRestarted:
   * nothing of that pull was applied), a pull from 0 in its place, marked so
   * that it sends the user's own records again rather than drop them.
   */
  async function pullThrough(fromZero: boolean, pushOnly = false): Promise<OnceResult> {
    try {
      return await pullPages(fromZero, pushOnly);
    } catch (error) {
      if (!(error instanceof PullRestarted)) throw error;
    }
    logger.warn('sync: the server did not know this device\'s cursor (its data was restored or replaced): pulling everything again');
    await store.setMeta(META_SERVER_RESTORED, '1');
    try {
      return await pullPages(true, pushOnly);
    } catch (error) {
      // A later page's cursor unknown too: the database changed again under the pull. The next run starts over.
      if (error instanceof PullRestarted) throw new SyncError(SyncErrorCode.server, 'the server\'s data changed during the pull');
      throw error;
    }
  }

  /** once(), then the rest of a paged pull from 0, each page its own write. */
  async function pullPages(fromZero: boolean, pushOnly: boolean): Promise<OnceResult> {
    pagingState = null;
    heldBeforeFullPull = null;
    pages.reset();
    // Until the whole pull from 0 is in, the next run must start it again: only a complete one shows what is gone.
    // Marked with this pull's own value: a discard meanwhile (which asks for a pull from 0 too) must outlast its end.
    const mark = fromZero ? `pull ${wall()} ${(fullPulls += 1)}` : null;
    if (mark) await store.setMeta(META_FULL_PULL_NEEDED, mark);
    try {
      const result = await once(fromZero, null, pushOnly);
      while (result.more) {
        const paging: Paging | null = pagingState;
        pagingState = null;
        const next = await once(false, paging);
        result.more = next.more;
        result.pulled += next.pulled;
        result.pushed += next.pushed;
        result.conflicts.push(...next.conflicts);
        for (const id of next.pulledIds) result.pulledIds.add(id);
        for (const [table, rejections] of Object.entries(next.rejected)) (result.rejected[table] ??= []).push(...rejections);
      }
      const held: Set<string> | null = heldBeforeFullPull;
      let resent: string[] = [];
      if (result.fullPull && held) {
        const restored = (await store.getMeta(META_SERVER_RESTORED)) === '1';
        const gone = await dropNotPulled(held, result.pulledIds, restored);
        resent = gone.resent;
        if (gone.dropped) logger.debug(`sync: a pull from 0 removed ${gone.dropped} records this user no longer sees`);
        await resend(resent);
      }
      if (mark) {
        await store.clearMetaIf(META_FULL_PULL_NEEDED, mark);
        await store.setMeta(META_SERVER_RESTORED, null);
      }
      if (resent.length) {
        logger.warn(`sync: sending ${resent.length} of this user's requests again to the restored server`);
        const push = await once(false, null, true);
        result.pushed += push.pushed;
        result.conflicts.push(...push.conflicts);
        for (const [table, rejections] of Object.entries(push.rejected)) (result.rejected[table] ??= []).push(...rejections);
      }
      return result;
    } finally {
      heldBeforeFullPull = null;
      pages.reset();
      deps.onInitialProgress?.(null);
    }
  }

  let savedOffset: number | null = null;
  async function saveClockOffset() {
    const offset = clock.offset();
    if (savedOffset === null) {
      const stored = Number(await store.getMeta(META_CLOCK_OFFSET));
      savedOffset = Number.isFinite(stored) ? stored : 0;
    }
    // Only when it moved noticeably: a write per sync for network jitter is not worth it.
    if (Math.abs(offset - savedOffset) < 5_000) return;
    await store.setMeta(META_CLOCK_OFFSET, String(Math.round(offset)));
    savedOffset = offset;
  }

  return {
    async run(options: SyncRunOptions = {}) {
      pushedThisRun = new Map();
      lossesThisRun = [];
      deletedAfterPush = new Map();
      const recovery = (await store.getMeta(META_FULL_PULL_NEEDED)) !== null;
      const first = await pullThrough(recovery, options.pull === false);
      const total: SyncRunResult = {
        pulled: first.pulled,
        pushed: first.pushed,
        conflicts: first.conflicts,
        rejected: Object.values(first.rejected).reduce((n, list) => n + list.length, 0),
        fullPull: first.fullPull,
      };
      // Every push of the run counts: the follow-up pull's own push (a write made while the
      // run was under way) can lose too, and then needs a pull of its own to show the winner.
      const allLost: PushConflict[] = [];
      let lost = first.conflicts.filter((c) => c.winner === 'server');
      let fullDone = false;
      for (let round = 0; lost.length > 0 && round < MAX_FOLLOW_UPS; round += 1) {
        allLost.push(...lost);
        logger.debug('sync: push lost conflicts, pulling again', lost);
        const follow = await pullThrough(false);
        const passes = [follow];
        const missing = lost.filter((c) => !follow.pulledIds.has(key(c.table, c.id)));
        if (missing.length && !fullDone) {
          // The winning write is older than our cursor: re-read everything, once a run.
          fullDone = true;
          passes.push(await pullThrough(true));
          total.fullPull = true;
        }
        for (const pass of passes) {
          total.pulled += pass.pulled;
          total.pushed += pass.pushed;
          total.conflicts.push(...pass.conflicts);
          total.rejected += Object.values(pass.rejected).reduce((n, list) => n + list.length, 0);
        }
        lost = passes.flatMap((pass) => pass.conflicts).filter((c) => c.winner === 'server');
      }
      // (After MAX_FOLLOW_UPS rounds a push that lost again is left to the next run's pull;
      // its columns still hold our value then, so it is not logged as lost.)
      await notePushLosses(allLost);
      await appendToConflictLog(store, lossesThisRun);
      await saveClockOffset();
      // What the server acknowledged is safe there even if this device cannot store it
      // (storage full: the binding has told the user); the sync itself did succeed.
      await deps.persistence.saveNow().catch((error: unknown) => logger.warn('sync: saving after the sync failed', error));
      return total;
    },
  };
}
