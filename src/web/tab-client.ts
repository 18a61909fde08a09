/**
 * Several tabs of the app, one user, one IndexedDB database: exactly one tab
 * writes it.
 *
 * Why: each tab's WatermelonDB/LokiJS holds the whole database in memory and
 * saves it to IndexedDB; when two tabs save, the later one writes over the
 * other's data (LokiJS `onDidOverwrite`) and that tab's writes are gone on the
 * next load. IndexedDB itself cannot arbitrate: LokiJS saves whole chunks from
 * its own memory. So the fix is that only one tab ever saves.
 *
 *            Web Lock "aideepref-db-<userId>" (held for the tab's life)
 *                                   │
 *   ┌───────── writer (leader) ─────┴──────┐        ┌──── follower ─────────────┐
 *   │ WatermelonDB ⇄ LokiJS ⇄ IndexedDB    │ rows,  │ WatermelonDB ⇄ LokiJS     │
 *   │ sync engine, socket, outbox          │ state  │ in memory, never saved    │
 *   │ leader-server.ts ────────────────────┼───────▶│ follower-client.ts        │
 *   │   performs actions, then acks ◀──────┼────────┤   actions (with ids)      │
 *   └──────────────────────────────────────┘  tab channel (BroadcastChannel)   ┘
 *
 *   follower ──lock granted (writer closed or crashed)──▶ writer:
 *     open the database fresh from IndexedDB (everything the old writer saved),
 *     start serving; its own follower-client hears `leader`, takes a snapshot
 *     into the SAME in-memory copy the screens observe, and resends its
 *     unacknowledged actions (now to itself, through the channel's loopback).
 *
 * - A tab that opens first (lock free) is the writer and its screens read the
 *   real database directly; a later tab is a follower and its screens read
 *   its copy; after taking over it stays on that copy (so the React tree keeps
 *   one Database for its life and needs no re-render on a takeover), fed by
 *   its own writer in the same tab.
 * - Only the writer syncs, holds the socket and answers the service worker;
 *   the others show its SyncState.
 * - An action of a follower resolves once the writer durably saved it (the
 *   same promise as in the writer tab). If the writer dies before answering,
 *   the action is sent again to the next writer; a repeat does not write
 *   twice (see leader-server.ts).
 *
 * Considered and rejected: every tab writing with merges at load time (LokiJS
 * saves whole chunks: a merge needs a transaction across tabs it cannot have);
 * a SharedWorker owning the database (no SharedWorker on Android Chrome, and
 * WatermelonDB's LokiJS worker mode loses the durable-save hook, FACTS).
 */
import type { Database } from '@nozbe/watermelondb';
import type { Logger, Timers } from '../sync/ports';
import type { AppClient, Session } from './app-client';
import { createFollowerClient } from './follower-client';
import type { LeaderClient } from './leader-client';
import { serveFollowers, type LeaderServer } from './leader-server';
import type { TabChannel } from './tab-channel';
import { claimLeadership, lockNameFor, type LocksLike } from './tab-leadership';

export interface TabClientDeps {
  session: Session;
  channel: TabChannel;
  locks: LocksLike;
  timers: Timers;
  logger: Logger;
  /** Opens this user's real database and sync engine (leader-client.ts); `takingOver`: after another writer tab left. */
  openLeader(session: Session, takingOver: boolean): Promise<LeaderClient>;
  /** A fresh in-memory database for a follower (mirror-database.ts). */
  createMirror(): Database;
  /**
   * Whether this device still holds this user's session. Checked before
   * taking over: a writer that left because the user signed out must not be
   * replaced by a tab that would recreate the deleted database.
   */
  sessionAlive(): boolean;
  /** The user signed out in another tab (or before this tab took over): leave (e.g. reload). */
  onSignedOutElsewhere(): void;
}

export type TabRole = 'leader' | 'follower';

export interface TabClient extends AppClient {
  /** This tab's role now (a follower may become the leader). */
  role(): TabRole;
}

export async function createTabClient(deps: TabClientDeps): Promise<TabClient> {
  const { channel, logger } = deps;
  const { leadership, leaderNow } = await claimLeadership(deps.locks, lockNameFor(deps.session.user.id));
  let closed = false;
  // Several signs may say the same (the message, a takeover with no session): leave once.
  let left = false;
  const leave = () => {
    if (left || closed) return;
    left = true;
    deps.onSignedOutElsewhere();
  };

  if (leaderNow) {
    let leader: LeaderClient;
    try {
      leader = await deps.openLeader(deps.session, false);
    } catch (error) {
      leadership.release();
      channel.close();
      throw error;
    }
    const server = serveFollowers(channel, leader, leave);
    let closing: Promise<void> | null = null;
    return Object.assign(Object.create(leader) as LeaderClient, {
      role: (): TabRole => 'leader',
      renewSession(next: Session) {
        leader.renewSession(next);
        // Followers keep it for the day one of them takes over.
        channel.post({ type: 'session', session: next });
      },
      close() {
        closing ??= (async () => {
          closed = true;
          server.stop();
          try {
            await leader.close();
          } finally {
            leadership.release();
            channel.close();
          }
        })();
        return closing;
      },
    });
  }

  const follower = createFollowerClient({
    session: deps.session,
    database: deps.createMirror(),
    channel,
    timers: deps.timers,
    logger,
  });
  let leader: LeaderClient | null = null;
  let server: LeaderServer | null = null;
  const stopSignedOut = channel.subscribe((message) => {
    if (message.type === 'signed-out' && !leader) leave();
  });

  // Set only once the lock is granted: close() must not wait for a lock it gave up.
  let takingOver: Promise<void> | null = null;
  void leadership.acquired.then(() => {
    takingOver = takeOver();
  });

  async function takeOver(): Promise<void> {
    if (closed) return;
    if (!deps.sessionAlive()) {
      logger.warn('tabs: the writer tab left after signing out; leaving too');
      leave();
      return;
    }
    logger.warn('tabs: the writer tab closed; this tab takes over');
    try {
      const opened = await deps.openLeader(follower.session, true);
      if (closed) {
        await opened.close();
        return;
      }
      leader = opened;
      server = serveFollowers(channel, opened, leave);
    } catch (error) {
      // Keep the lock: another tab taking over would hit the same storage problem.
      logger.error('tabs: taking over as the writer failed', error);
    }
  }

  await follower.ready;

  let closing: Promise<void> | null = null;
  return Object.assign(Object.create(follower) as AppClient, {
    role: (): TabRole => (leader ? 'leader' : 'follower'),
    close() {
      closing ??= (async () => {
        closed = true;
        stopSignedOut();
        await follower.close();
        if (takingOver) await takingOver;
        server?.stop();
        try {
          // Saved and closed BEFORE the lock goes: the next writer must load everything we saved.
          if (leader) await leader.close();
        } finally {
          leadership.release();
          channel.close();
        }
      })();
      return closing;
    },
  }) as TabClient;
}
