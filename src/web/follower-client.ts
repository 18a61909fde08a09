/**
 * A follower tab's AppClient (see tab-client.ts): the screens read an
 * in-memory copy of the writer's database (mirror-database.ts) and every
 * action is sent to the writer tab, resolving once the writer acknowledges it
 * as durably saved, after the rows it wrote have reached this copy.
 *
 * Staying current: the writer's `rows` messages are numbered per writer
 * (`epoch`, `seq`). Until the first snapshot, after a gap, or under a new
 * writer, the copy asks for a snapshot and ignores rows until it arrives; the
 * snapshot is taken where no write can interleave and says which `seq` it
 * includes, so applying it and then every later row loses nothing.
 *
 * Not losing actions: an action not acknowledged is resent whenever a writer
 * announces itself (`leader`), including this tab's own writer after it took
 * over. Actions carry ids so a repeat is harmless (leader-server.ts).
 */
import type { Database } from '@nozbe/watermelondb';
import type { Logger, Timers } from '../sync/ports';
import { createSyncStateStore } from '../sync/sync-state';
import type { AppClient, ReferenceRequestInput, Session } from './app-client';
import { randomId } from '../sync/watermelon/random-id';
import { applyRows, applySnapshot } from '../sync/watermelon/record-feed';
import type { TabChannel } from './tab-channel';
import { fromWireError, type TabAction, type TabEnvelope } from './tab-messages';

/** How long to wait for a snapshot before asking again (a writer may be starting or gone). */
const SNAPSHOT_RETRY_MS = 2_000;

/** Plain fields only: the input may be any object the form built, and it crosses postMessage. */
function fieldsOf(input: ReferenceRequestInput): ReferenceRequestInput {
  return { refereeName: input.refereeName, refereeEmail: input.refereeEmail, message: input.message };
}

export interface FollowerDeps {
  session: Session;
  database: Database;
  channel: TabChannel;
  timers: Timers;
  logger: Logger;
}

export interface FollowerClient extends AppClient {
  /** Resolves once the first snapshot is applied. */
  readonly ready: Promise<void>;
}

interface Pending {
  action: TabAction;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class TabClosedError extends Error {
  override name = 'TabClosedError';
  constructor() {
    super('This tab closed its connection to the app’s data before the action was saved.');
  }
}

export function createFollowerClient(deps: FollowerDeps): FollowerClient {
  const { database, channel, timers, logger } = deps;
  const tabId = randomId();
  let current = deps.session;
  const state = createSyncStateStore();
  const pending = new Map<string, Pending>();
  let epoch: string | null = null;
  let seq = 0;
  let awaiting: string | null = null;
  let retryTimer: unknown = null;
  let closed = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  // Applies run one after another, in the order messages arrived.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void> | void) => {
    chain = chain.then(work).catch((error: unknown) => {
      logger.error('tabs: applying the writer’s rows failed; asking for a snapshot', error);
      requestSnapshot();
    });
  };

  function requestSnapshot() {
    if (closed) return;
    awaiting = randomId();
    channel.post({ type: 'hello', from: tabId, request: awaiting });
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (awaiting) requestSnapshot();
    }, SNAPSHOT_RETRY_MS);
  }

  function resendPending() {
    for (const [id, { action }] of pending) channel.post({ type: 'action', id, from: tabId, action });
  }

  const stop = channel.subscribe((message: TabEnvelope) => {
    if (closed) return;
    switch (message.type) {
      case 'leader':
        if (message.epoch !== epoch) {
          epoch = null;
          requestSnapshot();
          resendPending();
        }
        break;
      case 'snapshot': {
        if (message.to !== tabId || message.request !== awaiting) break;
        const previous = epoch;
        awaiting = null;
        epoch = message.epoch;
        seq = message.seq;
        enqueue(async () => {
          await applySnapshot(database, message.rows);
          state.set(message.state);
          markReady();
        });
        if (previous !== null && previous !== message.epoch) resendPending();
        break;
      }
      case 'rows':
        if (awaiting) break;
        if (message.epoch !== epoch || message.seq !== seq + 1) {
          logger.warn('tabs: missed rows from the writer; asking for a snapshot');
          requestSnapshot();
          break;
        }
        seq = message.seq;
        enqueue(() => applyRows(database, [message]));
        break;
      case 'state':
        if (message.epoch === epoch) state.set(message.state);
        break;
      case 'session':
        // Signed in again in another tab: this tab takes over with the new token if it ever must.
        if (message.session.user.id === current.user.id) current = message.session;
        break;
      case 'ack': {
        if (message.to !== tabId) break;
        const entry = pending.get(message.id);
        if (!entry) break;
        pending.delete(message.id);
        // After the rows that came before it: the screens show the write when the action resolves.
        enqueue(() => (message.error ? entry.reject(fromWireError(message.error)) : entry.resolve()));
        break;
      }
      default:
        break;
    }
  });

  function send(action: TabAction): Promise<void> {
    if (closed) return Promise.reject(new TabClosedError());
    const id = randomId();
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { action, resolve, reject });
      channel.post({ type: 'action', id, from: tabId, action });
    });
  }

  requestSnapshot();

  return {
    ready,
    get session() {
      return current;
    },
    database,
    state,
    syncNow: () => channel.post({ type: 'command', name: 'syncNow' }),
    retryFailed: () => channel.post({ type: 'command', name: 'retryFailed' }),
    requestReference: (input: ReferenceRequestInput) => send({ name: 'requestReference', input: fieldsOf(input), recordId: randomId() }),
    editRequest: (recordId, input: ReferenceRequestInput, openedWith: ReferenceRequestInput) =>
      send({ name: 'editRequest', recordId, input: fieldsOf(input), openedWith: fieldsOf(openedWith) }),
    deleteReference: (recordId) => send({ name: 'deleteReference', recordId }),
    respond: (recordId, response) => send({ name: 'respond', recordId, response }),
    decline: (recordId) => send({ name: 'decline', recordId }),
    remind: (recordId) => send({ name: 'remind', recordId }),
    restoreConflict: (key) => send({ name: 'restoreConflict', key }),
    discardLocalChange: (table, recordId) => send({ name: 'discardLocalChange', table, recordId }),
    renewSession(next: Session) {
      if (next.user.id !== current.user.id) throw new Error('renewSession: a different user must sign out first');
      current = next;
      channel.post({ type: 'session', session: next });
    },
    async close() {
      if (closed) return;
      closed = true;
      stop();
      if (retryTimer !== null) timers.clearTimeout(retryTimer);
      for (const { reject } of pending.values()) reject(new TabClosedError());
      pending.clear();
      await chain;
    },
  };
}
