/**
 * The writer tab serving the others (see tab-client.ts): it publishes every
 * committed row and its SyncState, answers snapshot requests, and performs
 * followers' actions, acknowledging each only once it is durably saved.
 *
 * Actions carry ids. A follower resends what was not acknowledged when a new
 * writer announces itself, so an action may arrive twice: the same writer
 * answers a repeat from its memory of results; a new writer relies on each
 * action being safe to repeat (requestReference carries its record id and
 * is skipped when that record exists; delete of a missing or deleted record,
 * respond/decline/discard/editRequest with the same values are no-ops in effect).
 */
import { randomId } from '../sync/watermelon/random-id';
import type { LeaderClient } from './leader-client';
import { snapshotRows, watchRows } from '../sync/watermelon/record-feed';
import type { TabChannel } from './tab-channel';
import { toWireError, type TabAction, type TabEnvelope, type WireError } from './tab-messages';

/** Results kept to answer repeats; older ones fall back to the actions' own idempotence. */
const REMEMBERED_RESULTS = 1_000;

export interface LeaderServer {
  readonly epoch: string;
  stop(): void;
}

export function perform(client: LeaderClient, action: TabAction): Promise<void> {
  switch (action.name) {
    case 'requestReference':
      return client.requestReferenceWithId(action.input, action.recordId);
    case 'editRequest':
      return client.editRequest(action.recordId, action.input, action.openedWith);
    case 'deleteReference':
      return client.deleteReference(action.recordId);
    case 'respond':
      return client.respond(action.recordId, action.response);
    case 'decline':
      return client.decline(action.recordId);
    case 'remind':
      return client.remind(action.recordId);
    case 'restoreConflict':
      return client.restoreConflict(action.key);
    case 'discardLocalChange':
      return client.discardLocalChange(action.table, action.recordId);
  }
}

export function serveFollowers(channel: TabChannel, client: LeaderClient, onSignedOut: () => void): LeaderServer {
  const epoch = randomId();
  let seq = 0;
  let stopped = false;
  const results = new Map<string, Promise<WireError | undefined>>();
  // Rows are watched from the first follower's snapshot request on. Every follower starts with a
  // snapshot (and asks again after a gap or under a new writer), ignoring rows until it has it:
  // before that, rows reach no one, and each message costs a copy and a structured clone of every
  // row (twice: the channel and its loopback). A first sync in the only tab cloned all of its
  // records so. `seq` needs to count only from the first snapshot, which carries it.
  let stopRows: (() => void) | null = null;
  const watchForFollowers = () => {
    stopRows ??= watchRows(client.database, ({ table, upserts, removes }) => {
      if (stopped) return;
      seq += 1;
      channel.post({ type: 'rows', epoch, seq, table, upserts, removes });
    });
  };
  const stopState = client.state.subscribe(() => {
    if (!stopped) channel.post({ type: 'state', epoch, state: client.state.getSnapshot() });
  });

  function run(id: string, action: TabAction): Promise<WireError | undefined> {
    let result = results.get(id);
    if (!result) {
      result = perform(client, action).then(
        () => undefined,
        (error: unknown) => toWireError(error),
      );
      results.set(id, result);
      if (results.size > REMEMBERED_RESULTS) results.delete(results.keys().next().value as string);
    }
    return result;
  }

  const stopListening = channel.subscribe((message: TabEnvelope) => {
    if (stopped) return;
    switch (message.type) {
      case 'hello':
        // Before the snapshot's read: a write committed meanwhile is in it, and posted too (ignored).
        watchForFollowers();
        void snapshotRows(client.database, (rows) => {
          if (stopped) return;
          channel.post({ type: 'snapshot', epoch, seq, to: message.from, request: message.request, rows, state: client.state.getSnapshot() });
        });
        break;
      case 'action':
        void run(message.id, message.action).then((error) => {
          if (!stopped) channel.post({ type: 'ack', id: message.id, to: message.from, ...(error ? { error } : {}) });
        });
        break;
      case 'command':
        if (message.name === 'syncNow') client.syncNow();
        else client.retryFailed();
        break;
      case 'session':
        if (message.session.user.id === client.session.user.id && message.session.token !== client.session.token) {
          client.renewSession(message.session);
        }
        break;
      case 'signed-out':
        onSignedOut();
        break;
      default:
        break;
    }
  });

  channel.post({ type: 'leader', epoch });

  return {
    epoch,
    stop() {
      stopped = true;
      stopRows?.();
      stopState();
      stopListening();
    },
  };
}
