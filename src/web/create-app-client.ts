/**
 * createAppClient: this user's AppClient for the UI. In a browser with Web
 * Locks and BroadcastChannel, several tabs share one writer (tab-client.ts):
 * this tab either is the writer (leader-client.ts over IndexedDB) or follows
 * it (follower-client.ts over an in-memory copy). Elsewhere (tests, an
 * injected database) it is the writer directly. Resolves as soon as the local
 * data is readable: never waits for the network.
 */
import type { AppClient, Session } from './app-client';
import { browserTimers } from './browser-timers';
import { consoleLogger, openLeaderClient, type LeaderClientOptions } from './leader-client';
import { createMirrorDatabase } from '../sync/watermelon/mirror-database';
import { SESSION_KEY } from './auth';
import { openBroadcastTabChannel, type TabChannel } from './tab-channel';
import { createTabClient } from './tab-client';
import { browserLocks, type LocksLike } from './tab-leadership';

export interface AppClientOptions extends LeaderClientOptions {
  /**
   * Coordination with other tabs of the app. Default: on when the browser has
   * navigator.locks and BroadcastChannel and no database is injected; false
   * makes this tab write its database alone (as before tab-client.ts).
   */
  tabs?:
    | false
    | {
        channel: TabChannel;
        locks: LocksLike;
        /** Default: the stored session (localStorage) is still this user's. */
        sessionAlive?: () => boolean;
        /** Default: reload the page (it then opens signed out). */
        onSignedOutElsewhere?: () => void;
      };
}

function storedSessionIs(userId: string): boolean {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return !!raw && (JSON.parse(raw) as { user?: { id?: string } }).user?.id === userId;
  } catch {
    return false;
  }
}

function defaultTabs(session: Session, options: AppClientOptions): AppClientOptions['tabs'] {
  if (options.tabs !== undefined) return options.tabs;
  if (options.database) return false;
  const locks = browserLocks();
  if (!locks || typeof BroadcastChannel === 'undefined') return false;
  return { channel: openBroadcastTabChannel(session.user.id), locks };
}

export async function createAppClient(session: Session, options: AppClientOptions = {}): Promise<AppClient> {
  const tabs = defaultTabs(session, options);
  if (!tabs) return openLeaderClient(session, options);
  return createTabClient({
    session,
    channel: tabs.channel,
    locks: tabs.locks,
    timers: options.timers ?? browserTimers,
    logger: options.logger ?? consoleLogger,
    // A tab taking over from another writer opens data that writer pulled: nothing to ask ahead.
    openLeader: (current, takingOver) => openLeaderClient(current, takingOver ? { ...options, firstPullAhead: false } : options),
    createMirror: () => createMirrorDatabase(session.user.id),
    sessionAlive: tabs.sessionAlive ?? (() => storedSessionIs(session.user.id)),
    onSignedOutElsewhere: tabs.onSignedOutElsewhere ?? (() => location.reload()),
  });
}
