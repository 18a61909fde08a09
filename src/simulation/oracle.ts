/**
 * An independent oracle of CONTRACT §3, written from the contract's text and
 * deliberately NOT from src/shared/merge.ts (which is what it checks).
 *
 * It replays every push the server committed, in commit order, and predicts
 * per record whether it is rejected and what each column ends up as:
 * - per column, the value with the latest effective updated_at wins; a tie
 *   keeps what the server has;
 * - effective updated_at = the time of receipt when the stamp is more than
 *   60 s ahead of the server's clock;
 * - a deletion wins over any update and is permanent;
 * - the candidate creates (pending, no response, never addressed to
 *   themselves), edits referee_name, referee_email and message, and deletes;
 * - only the VERIFIED owner of referee_email sees the reference and answers
 *   it: status completed with a text, or declined without one, once; an
 *   answer is final, and referee_name and referee_email no longer change;
 * - a user edits only their own name.
 */

const CANDIDATE_COLUMNS = ['referee_name', 'referee_email', 'message'];
const REFEREE_COLUMNS = ['status', 'response', 'responded_at'];
const REFERENCE_COLUMNS = ['user_id', ...CANDIDATE_COLUMNS, ...REFEREE_COLUMNS];
const SKEW_LIMIT_MS = 60_000;

export type Value = string | number | boolean | null;

export interface OracleReference {
  id: string;
  deleted: boolean;
  values: Record<string, Value>;
  times: Record<string, number>;
  /** Which push set each column last (for failure messages). */
  setBy: Record<string, number>;
  /** (step, referee_email) after every committed change of the address. */
  addresses: { step: number; email: string }[];
}

export interface OracleUser {
  id: string;
  email: string;
  name: string;
  nameTime: number;
  setBy: number;
}

export interface Pusher {
  id: string;
  email: string;
}

export interface PushedTable {
  created?: Record<string, unknown>[];
  updated?: Record<string, unknown>[];
  deleted?: string[];
}

export interface CommittedPush {
  index: number;
  step: number;
  device: string;
  pusher: Pusher;
  receivedAt: number;
  changes: Record<string, PushedTable>;
  /** `table/id` of the records the oracle predicts rejected (set once applied). */
  rejected?: Set<string>;
}

function norm(column: string, value: unknown): Value {
  if (value === undefined) return null;
  if (column === 'message' && value === null) return '';
  return value as Value;
}

/** The columns a pushed row changes: `_changed` when given, else every column present. */
export function changedColumns(row: Record<string, unknown>, columns: readonly string[]): string[] {
  const listed = typeof row._changed === 'string' && row._changed.trim() !== '' ? new Set(row._changed.split(',').map((c) => c.trim())) : null;
  return columns.filter((c) => c in row && (!listed || listed.has(c)));
}

export interface OracleOptions {
  /**
   * CONTRACT §3 also says "pushing the same changes twice has the same effect
   * as once". With this set, a stamp that was clamped keeps the time of its
   * FIRST accepted receipt when the same record arrives again with the same
   * stamp (a replay after a lost response), even once the server clock has
   * caught up with it. Without it, every receipt clamps anew (what a per-push
   * reading of the rule gives; the simulation keeps such an oracle only to
   * name that failure).
   */
  replayStableClamp?: boolean;
}

export class MergeOracle {
  readonly references = new Map<string, OracleReference>();
  readonly users = new Map<string, OracleUser>();
  /** Users who proved their email; from then on what is addressed to it is theirs. */
  readonly verified = new Set<string>();
  private readonly firstClamp = new Map<string, number>();

  constructor(private readonly options: OracleOptions = {}) {}

  addUser(user: { id: string; email: string; name: string }, at: number): void {
    this.users.set(user.id, { ...user, nameTime: at, setBy: -1 });
  }

  /** A verification the server committed, in order with the pushes. */
  verify(userId: string): void {
    this.verified.add(userId);
  }

  /** Applies one committed push; returns the `table/id` of every record it predicts rejected. */
  apply(push: CommittedPush): Set<string> {
    const rejected = new Set<string>();
    for (const [table, set] of Object.entries(push.changes)) {
      const kinds: ['created' | 'updated', Record<string, unknown>[]][] = [
        ['created', set.created ?? []],
        ['updated', set.updated ?? []],
      ];
      for (const [kind, rows] of kinds) {
        for (const row of rows) {
          const ok =
            table === 'references' ? this.writeReference(kind, row, push) : table === 'users' ? this.writeUser(kind, row, push) : false;
          if (!ok) rejected.add(`${table}/${String(row.id)}`);
        }
      }
      for (const id of set.deleted ?? []) {
        const ok = table === 'references' ? this.deleteReference(id, push) : false;
        if (!ok) rejected.add(`${table}/${id}`);
      }
    }
    push.rejected = rejected;
    return rejected;
  }

  /** The time a write counts as; `accept()` once the record is accepted (a rejected one leaves no trace). */
  private effective(id: string, stamp: unknown, receivedAt: number): { t: number; accept: () => void } {
    const t = Number(stamp);
    const key = `${id}|${t}`;
    const first = this.options.replayStableClamp ? this.firstClamp.get(key) : undefined;
    if (first !== undefined) return { t: first, accept: () => {} };
    if (t <= receivedAt + SKEW_LIMIT_MS) return { t, accept: () => {} };
    return { t: receivedAt, accept: () => void (this.options.replayStableClamp && this.firstClamp.set(key, receivedAt)) };
  }

  private deleteReference(id: string, push: CommittedPush): boolean {
    const ref = this.references.get(id);
    if (!ref || ref.deleted) return true; // nothing to delete: accepted, changes nothing
    if (ref.values.user_id !== push.pusher.id) return false;
    ref.deleted = true;
    return true;
  }

  private writeReference(kind: 'created' | 'updated', row: Record<string, unknown>, push: CommittedPush): boolean {
    const id = String(row.id);
    const { t, accept } = this.effective(id, row.updated_at, push.receivedAt);
    const ref = this.references.get(id);
    const empty = (v: unknown) => v === undefined || v === null || v === '' || v === 0;
    if (!ref) {
      // A create: only by the candidate for themselves, pending, without a response, to someone else.
      if (row.user_id !== push.pusher.id) return false;
      if (String(row.referee_email).toLowerCase() === push.pusher.email) return false;
      if ((row.status ?? 'pending') !== 'pending') return false;
      if (!empty(row.response) || !empty(row.responded_at) || !empty(row.reminded_at)) return false;
      const fresh: OracleReference = { id, deleted: false, values: {}, times: {}, setBy: {}, addresses: [] };
      for (const column of REFERENCE_COLUMNS) {
        fresh.values[column] = column === 'responded_at' || column === 'response' ? null : norm(column, row[column]);
        fresh.times[column] = t;
        fresh.setBy[column] = push.index;
      }
      fresh.addresses.push({ step: push.step, email: String(fresh.values.referee_email) });
      this.references.set(id, fresh);
      accept();
      return true;
    }
    const owner = ref.values.user_id === push.pusher.id;
    const referee = !owner && this.verified.has(push.pusher.id) && ref.values.referee_email === push.pusher.email;
    if (!owner && !referee) return false;
    if (ref.deleted) return true; // deletion wins: accepted, changes nothing
    const answered = ref.values.status !== 'pending';
    const wins = (column: string) => ref.times[column] === undefined || t > ref.times[column]!;
    const accepted: [string, Value][] = [];
    const changing = new Map<string, Value>();
    for (const column of changedColumns(row, REFERENCE_COLUMNS)) {
      const value = norm(column, row[column]);
      const allowed = (owner && CANDIDATE_COLUMNS.includes(column)) || (referee && REFEREE_COLUMNS.includes(column));
      const wouldChange = value !== ref.values[column] && wins(column);
      if (!allowed) {
        // A replayed create carries every column; only a real attempt to change one is refused.
        if (kind === 'created' || !wouldChange) continue;
        return false;
      }
      if (wouldChange) {
        if (answered && (column === 'referee_name' || column === 'referee_email' || REFEREE_COLUMNS.includes(column))) return false;
        if (column === 'referee_email' && String(value).toLowerCase() === push.pusher.email) return false;
        changing.set(column, value);
      }
      accepted.push([column, value]);
    }
    if (REFEREE_COLUMNS.some((c) => changing.has(c))) {
      // An answer is whole: completed with its text, or declined without one.
      const status = changing.get('status');
      const response = changing.has('response') ? changing.get('response') : ref.values.response;
      if (status !== 'completed' && status !== 'declined') return false;
      if (status === 'completed' && (typeof response !== 'string' || response.trim() === '')) return false;
      if (status === 'declined' && !empty(response)) return false;
    }
    for (const [column, value] of accepted) {
      if (!wins(column)) continue;
      ref.values[column] = value;
      ref.times[column] = t;
      ref.setBy[column] = push.index;
      if (column === 'referee_email') ref.addresses.push({ step: push.step, email: String(value) });
    }
    accept();
    return true;
  }

  private writeUser(kind: 'created' | 'updated', row: Record<string, unknown>, push: CommittedPush): boolean {
    const user = this.users.get(String(row.id));
    if (!user || user.id !== push.pusher.id) return false;
    void kind;
    const { t, accept } = this.effective(user.id, row.updated_at, push.receivedAt);
    const columns = changedColumns(row, ['email', 'name']);
    if (columns.includes('email') && String(row.email).toLowerCase() !== user.email) return false;
    if (columns.includes('name') && t > user.nameTime) {
      user.name = String(row.name);
      user.nameTime = t;
      user.setBy = push.index;
    }
    accept();
    return true;
  }

  /** References a user may see (CONTRACT "Who may see and change what"). */
  visibleTo(user: Pusher): OracleReference[] {
    const verified = this.verified.has(user.id);
    return [...this.references.values()].filter(
      (r) => !r.deleted && (r.values.user_id === user.id || (verified && r.values.referee_email === user.email)),
    );
  }

  /** Was `email` not the referee of `id` at `step` or at any time after it? */
  addressedAwayFrom(id: string, email: string, step: number): boolean {
    const ref = this.references.get(id);
    if (!ref) return false;
    let atStep: string | null = null;
    for (const a of ref.addresses) {
      if (a.step <= step) atStep = a.email;
      else if (a.email !== email) return true;
    }
    return atStep !== null && atStep !== email;
  }
}

export const ORACLE_REFERENCE_COLUMNS = REFERENCE_COLUMNS;
