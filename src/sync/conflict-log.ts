/**
 * The writes of this device that lost to newer ones, kept so the user can see
 * them and put theirs back (`Restore mine`). Two ways a write loses:
 *
 * - push: the server reports `winner: "server"` for a record we pushed; after
 *   the pulls that follow, every column we sent whose value on the device is
 *   now the server's, and differs, lost. (A new record is reported "server"
 *   too, for its created_at: its data columns are equal, so nothing is kept.)
 * - pull: a pulled deletion (or a record that stopped being visible) removes
 *   a record that still had local changes: all of them lost, with no push.
 *
 * Kept as one JSON value in sync_metadata (local only, mirrored to follower
 * tabs like every table), newest last, at most CONFLICT_LOG_LIMIT entries.
 */
import { DATA_COLUMNS, isSyncedTable } from '../shared/schema';
import { META_CONFLICT_LOG, type LocalStore } from './local-store';
import { changedColumns, type Raw } from './resolve-pulled';

export const CONFLICT_LOG_LIMIT = 200;

export interface ConflictEntry {
  /** Unique within the log. */
  key: string;
  table: string;
  id: string;
  /** The column that lost; null when the whole record was deleted under our changes. */
  column: string | null;
  /** Our value (for a deletion, our changed columns and their values). */
  mine: unknown;
  /** The value that won (null for a deletion). */
  winner: unknown;
  at: number;
  source: 'push' | 'pull';
  /** Who made the winning write: another device of this user, or another user. */
  by: 'own-device' | 'other-user' | 'unknown';
  /** The record as the user knows it, e.g. "Ada Lovelace <ada@example.com>". */
  label: string;
  /**
   * For a deletion: the record's other data columns as this device last held
   * them, so `Restore mine` can ask again with the same name, email and message.
   */
  record?: Record<string, unknown>;
  /**
   * Our deletion of a request, not sent: the referee had answered it before
   * this device showed the answer, and the reference was kept (nothing to
   * restore; deleting it again is the user's choice, now knowing the answer).
   */
  deletionNotSent?: true;
  /** Set once `Restore mine` re-applied our value. */
  restoredAt?: number;
  /** What `Restore mine` wrote, when it is not the entry's own record (a deletion restored as a new request). */
  restoredAs?: { table: string; id: string };
}

/** What a pushed raw meant to change: the data columns `_changed` names, or all of them for a new record. */
export function pushedColumns(table: string, raw: Raw): Record<string, unknown> | null {
  if (!isSyncedTable(table)) return null;
  const data: readonly string[] = DATA_COLUMNS[table];
  const named = changedColumns(raw).filter((c) => data.includes(c));
  const columns = raw._status === 'created' || named.length === 0 ? data : named;
  return Object.fromEntries(columns.filter((c) => c in raw).map((c) => [c, raw[c]]));
}

const REFEREE_COLUMNS = new Set(['status', 'response', 'responded_at']);

/**
 * Who may write `column` of `row` (CONTRACT §3): a reference's candidate its
 * request columns and its deletion, its referee the answer, a user their row.
 * Seen from `self`, a write by that user came from another device of theirs.
 */
export function winningWriter(table: string, column: string | null, row: Raw, self: string | null): ConflictEntry['by'] {
  if (!self) return 'unknown';
  if (table === 'users') return row.id === self ? 'own-device' : 'other-user';
  const candidate = row.user_id;
  if (typeof candidate !== 'string') return 'unknown';
  // The record is visible to us, so we are its candidate or its referee.
  const candidateWrote = column === null || !REFEREE_COLUMNS.has(column);
  const iAmCandidate = candidate === self;
  return candidateWrote === iAmCandidate ? 'own-device' : 'other-user';
}

const withEmail = (name: string, email: unknown) => (typeof email === 'string' && email ? `${name} <${email}>` : name);

/**
 * The record as the user knows it: a candidate's request by its referee; a
 * request to this user (they are its referee: its referee fields are their
 * own) by the candidate who asked, from `people` (users rows by id).
 */
export function labelOf(table: string, row: Raw, self: string | null = null, people?: ReadonlyMap<string, Raw>): string {
  if (table === 'users') return typeof row.name === 'string' ? `Your name (${row.name})` : 'Your name';
  if (self !== null && typeof row.user_id === 'string' && row.user_id !== self) {
    const candidate = people?.get(row.user_id);
    return typeof candidate?.name === 'string' ? `Request from ${withEmail(candidate.name, candidate.email)}` : 'A request to you';
  }
  return withEmail(typeof row.referee_name === 'string' ? row.referee_name : 'A reference', row.referee_email);
}

interface LossContext {
  at: number;
  self: string | null;
  /** users rows by id, to name the candidate of a request to this user. */
  people?: ReadonlyMap<string, Raw>;
}

/**
 * The columns of a pushed record that lost: `now` is the record after the
 * pulls (null when it is gone). A column still changed locally holds a newer
 * edit of ours, not the server's value: it did not lose (yet).
 */
export function lossesAfterPush(table: string, id: string, pushed: Record<string, unknown>, now: Raw | null, ctx: LossContext): ConflictEntry[] {
  if (!now) return [];
  const stillMine = now._status === 'synced' ? new Set<string>() : new Set(changedColumns(now));
  const out: ConflictEntry[] = [];
  for (const [column, mine] of Object.entries(pushed)) {
    if (stillMine.has(column) || !(column in now) || now[column] === mine) continue;
    out.push({
      key: `${ctx.at}:${table}:${id}:${column}`,
      table,
      id,
      column,
      mine,
      winner: now[column],
      at: ctx.at,
      source: 'push',
      by: winningWriter(table, column, now, ctx.self),
      label: labelOf(table, now, ctx.self, ctx.people),
    });
  }
  return out;
}

/** A record with local changes that a pull deletes: those changes lost. */
export function lossByPulledDeletion(table: string, local: Raw, ctx: LossContext): ConflictEntry | null {
  if (local._status === 'synced' || local._status === 'deleted') return null;
  const mine = pushedColumns(table, local);
  if (!mine) return null;
  return lossByDeletion(table, local, mine, 'pull', ctx);
}

/**
 * Our changes `mine` to `local` (the record as this device last held it), lost
 * because the record was deleted: found by a pull (deleted over unsynced
 * changes) or after a push (the server reported that ours lost, and the
 * follow-up pull brought the deletion).
 */
export function lossByDeletion(table: string, local: Raw, mine: Record<string, unknown>, source: ConflictEntry['source'], ctx: LossContext): ConflictEntry | null {
  if (!isSyncedTable(table)) return null;
  const id = String(local.id);
  const data: readonly string[] = DATA_COLUMNS[table];
  // The rest of the record, without what `mine` holds already (a reference's text can be long).
  const record = Object.fromEntries(data.filter((c) => c in local && !(c in mine)).map((c) => [c, local[c]]));
  return {
    key: `${ctx.at}:${table}:${id}:deleted`,
    table,
    id,
    column: null,
    mine,
    winner: null,
    at: ctx.at,
    source,
    by: winningWriter(table, null, local, ctx.self),
    label: labelOf(table, local, ctx.self, ctx.people),
    record,
  };
}

/**
 * Our deletion of `local` (the request as this device held it), not sent
 * because `remote` brought the referee's answer. The record comes back as the
 * server has it: edits this device made before deleting it and never sent
 * are kept here (`mine`), since the user withdrew them with the deletion.
 */
export function deletionNotSent(local: Raw, remote: Raw, ctx: LossContext): ConflictEntry {
  const id = String(local.id);
  const data: readonly string[] = DATA_COLUMNS.references;
  const unsent = changedColumns(local).filter((c) => data.includes(c) && c in local && local[c] !== remote[c]);
  return {
    key: `${ctx.at}:references:${id}:deletion-not-sent`,
    table: 'references',
    id,
    column: null,
    mine: Object.fromEntries(unsent.map((c) => [c, local[c]])),
    winner: null,
    at: ctx.at,
    source: 'pull',
    by: 'other-user',
    label: labelOf('references', remote),
    deletionNotSent: true,
  };
}

/**
 * What `Restore mine` asks again for a deletion: on the server a deletion is
 * final (CONTRACT §3), so a request deleted under our changes comes back as a
 * new request with the same referee and our message, as Undo does. Only its
 * candidate can ask; a referee's answer to a deleted request has nothing to
 * answer any more (null).
 */
export function requestToRestore(entry: ConflictEntry, self: string): { refereeName: string; refereeEmail: string; message: string } | null {
  if (entry.table !== 'references' || entry.column !== null || entry.restoredAt !== undefined || entry.deletionNotSent) return null;
  const values = { ...(entry.record ?? {}), ...(entry.mine as Record<string, unknown>) };
  if (values.user_id !== self) return null;
  const { referee_name: refereeName, referee_email: refereeEmail, message } = values;
  if (typeof refereeName !== 'string' || typeof refereeEmail !== 'string' || !refereeName || !refereeEmail) return null;
  return { refereeName, refereeEmail, message: typeof message === 'string' ? message : '' };
}

function isEntry(value: unknown): value is ConflictEntry {
  const v = value as Partial<ConflictEntry> | null;
  return typeof v === 'object' && v !== null && typeof v.key === 'string' && typeof v.table === 'string' && typeof v.id === 'string' && 'mine' in v;
}

/** The log, oldest first. Unreadable or older-format entries are dropped. */
export function parseLog(value: string | null): ConflictEntry[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

export async function readConflictLog(store: Pick<LocalStore, 'getMeta'>): Promise<ConflictEntry[]> {
  return parseLog(await store.getMeta(META_CONFLICT_LOG));
}

export async function appendToConflictLog(store: Pick<LocalStore, 'getMeta' | 'setMeta'>, entries: ConflictEntry[]): Promise<void> {
  if (!entries.length) return;
  const log = await readConflictLog(store);
  const keys = new Set(log.map((e) => e.key));
  for (const entry of entries) if (!keys.has(entry.key)) log.push(entry);
  await store.setMeta(META_CONFLICT_LOG, JSON.stringify(log.slice(-CONFLICT_LOG_LIMIT)));
}

export async function markRestored(
  store: Pick<LocalStore, 'getMeta' | 'setMeta'>,
  key: string,
  at: number,
  as?: ConflictEntry['restoredAs'],
): Promise<ConflictEntry | null> {
  const log = await readConflictLog(store);
  const entry = log.find((e) => e.key === key);
  if (!entry) return null;
  entry.restoredAt = at;
  if (as) entry.restoredAs = as;
  await store.setMeta(META_CONFLICT_LOG, JSON.stringify(log));
  return entry;
}
