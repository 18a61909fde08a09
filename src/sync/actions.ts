/**
 * The user's actions. Each one writes locally (record + outbox entry in one
 * atomic write), asks for a sync and makes the write durable, and resolves
 * once it is; none waits for the network. The sync is asked for before the
 * save finishes: the push needs only the write in memory, and the other
 * screens see it a save sooner (the save and a push that is answered before
 * it are independent: a crash between them leaves the record on the server,
 * and the next pull brings it back). Values are normalized like the server does (emails
 * lowercased, text trimmed) so the pulled copy equals the local one.
 */
import { isValidEmail } from '../shared/protocol/constants';
import { DATA_COLUMNS, LIMITS, normalizeEmail, type SyncedTable } from '../shared/schema';
import type { HybridClock } from './hybrid-clock';
import type { LocalStore } from './local-store';
import type { Persistence } from './ports';

export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly code = 'invalid';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ActionsDeps {
  store: LocalStore;
  clock: HybridClock;
  persistence: Persistence;
  userId: () => string;
  afterWrite: () => void;
}

function required(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw new ValidationError(field, `${field} is required.`);
  if (trimmed.length > max) throw new ValidationError(field, `${field} is longer than ${max} characters.`);
  return trimmed;
}

export interface RequestInput {
  refereeName: string;
  refereeEmail: string;
  message: string;
}

/** What a request's fields become, checked and normalized like the server does: one place for a new request and an edit. */
function requestColumns(input: RequestInput) {
  const refereeName = required('Referee name', input.refereeName, LIMITS.name);
  const refereeEmail = normalizeEmail(required('Referee email', input.refereeEmail, LIMITS.email));
  if (!isValidEmail(refereeEmail)) throw new ValidationError('Referee email', 'Enter a valid email address.');
  const message = input.message.trim();
  if (message.length > LIMITS.message) throw new ValidationError('Message', `Message is longer than ${LIMITS.message} characters.`);
  return { refereeName, refereeEmail, message };
}

const EDITABLE = [
  ['refereeName', 'referee_name'],
  ['refereeEmail', 'referee_email'],
  ['message', 'message'],
] as const;

/** The form's opening values as requestColumns would store them, unchecked: they came from the record, valid or not. */
function normalizedLoosely(input: RequestInput): RequestInput {
  return { refereeName: input.refereeName.trim(), refereeEmail: normalizeEmail(input.refereeEmail), message: input.message.trim() };
}

export function createActions(deps: ActionsDeps) {
  const { store, clock, persistence } = deps;

  async function commit(write: Parameters<LocalStore['apply']>[0]): Promise<string> {
    const id = await store.apply(write);
    deps.afterWrite();
    try {
      await persistence.saveNow();
    } catch {
      // The write is shown and queued in memory but not on disk (the user was told why).
      // Failing the action would invite a second submit; sending it is what saves it now.
    }
    return id;
  }

  return {
    /**
     * `id` (optional) names the new record: a request replayed with the same id (another tab
     * resending after its writer tab died) must find it instead of creating a second one.
     */
    async requestReference(input: RequestInput, id?: string): Promise<string> {
      const { refereeName, refereeEmail, message } = requestColumns(input);
      return commit({
        table: 'references',
        operation: 'create',
        ...(id ? { id } : {}),
        at: clock.now(),
        values: {
          user_id: deps.userId(),
          referee_name: refereeName,
          referee_email: refereeEmail,
          message,
          status: 'pending',
          response: null,
          responded_at: null,
          reminded_at: null,
        },
      });
    },
    /**
     * Changes a pending request's referee name, email or message. A column is
     * written only when the user changed it: its input differs from
     * `openedWith`, the values the form showed when it opened. Each column set
     * counts as this device's intent in the per-column merge, so a field the
     * user left alone must not outvote an edit of it that arrived while the
     * form was open (comparing with the current record would take the form's
     * stale copy for a change). A field changed both here and underneath is
     * written: the user's edit is the later one. Without `openedWith` (a
     * caller with no form, or a tab of an older version) the current record
     * is the base. Resolves without writing when nothing changed.
     */
    async editRequest(id: string, input: RequestInput, openedWith?: RequestInput): Promise<void> {
      const next = requestColumns(input);
      const current = await store.read('references', id);
      if (!current) throw new ValidationError('Referee name', 'This request no longer exists.');
      if (current.status !== 'pending') {
        throw new ValidationError('Referee name', 'This request has been answered, so it can no longer be changed.');
      }
      const now = { refereeName: String(current.referee_name ?? ''), refereeEmail: String(current.referee_email ?? ''), message: String(current.message ?? '') };
      const base = openedWith ? normalizedLoosely(openedWith) : now;
      const values: Record<string, string> = {};
      for (const [key, column] of EDITABLE) {
        // Also skipped when it already holds the value: nothing to send, nothing to outvote.
        if (next[key] !== base[key] && next[key] !== now[key]) values[column] = next[key];
      }
      if (Object.keys(values).length === 0) return;
      await commit({ table: 'references', operation: 'update', id, at: clock.now(), values });
    },
    /**
     * Asks for a reminder to the referee: the server mails one when this
     * reaches it, at least 24 h after the invitation or the last reminder
     * (sooner, it rejects the change and the record shows why).
     */
    async remind(id: string): Promise<void> {
      await commit({ table: 'references', operation: 'update', id, at: clock.now(), values: { reminded_at: clock.now() } });
    },
    async deleteReference(id: string): Promise<void> {
      await commit({ table: 'references', operation: 'delete', id, at: clock.now(), values: {} });
    },
    async respond(id: string, response: string): Promise<void> {
      const text = required('Reference', response, LIMITS.response);
      const at = clock.now();
      await commit({
        table: 'references',
        operation: 'update',
        id,
        at,
        values: { status: 'completed', response: text, responded_at: at },
      });
    },
    async decline(id: string): Promise<void> {
      const at = clock.now();
      await commit({
        table: 'references',
        operation: 'update',
        id,
        at,
        values: { status: 'declined', response: null, responded_at: at },
      });
    },
    /**
     * `Restore mine`: writes a value of ours that lost back as a new write
     * (a later stamp, so it wins the merge unless the server refuses it).
     */
    async restoreValue(table: SyncedTable, id: string, column: string, value: string | number | boolean | null): Promise<void> {
      if (!(DATA_COLUMNS[table] as readonly string[]).includes(column) || column === 'user_id') {
        throw new ValidationError(column, 'This value cannot be restored.');
      }
      if (!(await store.read(table, id))) throw new ValidationError(column, 'This record no longer exists, so its value cannot be restored.');
      await commit({ table, operation: 'update', id, at: clock.now(), values: { [column]: value } });
    },
    async updateName(name: string): Promise<void> {
      const value = required('Name', name, LIMITS.name);
      await commit({ table: 'users', operation: 'update', id: deps.userId(), at: clock.now(), values: { name: value } });
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
