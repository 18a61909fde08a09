/**
 * Socket.IO on the API's own http server (CONTRACT §4). Each socket joins a
 * room for its user id, one for its session and, once the user verified it,
 * one for its email; events are addressed to those rooms, so with the Redis
 * adapter they reach sockets connected to any server process. Handlers here
 * never write to the database.
 *
 * A socket lives only as long as its session: logout and logout-all
 * disconnect the session's or the user's room at once (on every process,
 * through the adapter), and a sweep disconnects, within a second, sockets
 * whose token expired or whose session ended where no broadcast reached us.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { SocketAuthSchema, UNAUTHORIZED_SOCKET_MESSAGE } from '../../shared/protocol';
import type { SessionService } from '../auth/sessions';
import type { Store, Viewer } from '../store/types';
import type { Audience, ChangeEvent } from '../replication/events';

export type AdapterFactory = NonNullable<ServerOptions['adapter']>;

export interface Realtime {
  publish(events: ChangeEvent[]): void;
  /** The user's sockets start receiving what is addressed to `email` (they verified it). */
  grantEmail(userId: string, email: string): void;
  /** Disconnects every socket of the session, on every process. */
  endSession(sessionId: string): void;
  /** Disconnects every socket of the user, on every process. */
  endUser(userId: string): void;
  /** Disconnects this process's sockets; the http server is closed by its owner. */
  close(): Promise<void>;
}

const userRoom = (id: string) => `user:${id}`;
const sessionRoom = (id: string) => `session:${id}`;
const emailRoom = (email: string) => `email:${email.toLowerCase()}`;
const rooms = (a: Audience) => [...a.userIds.map(userRoom), ...a.emails.map(emailRoom)];

/** How often sockets are checked against the clock and the sessions table. */
const SESSION_SWEEP_MS = 250;

interface SocketData {
  viewer: Viewer;
}

export function attachRealtime(
  server: HttpServer,
  deps: {
    store: Store;
    sessions: SessionService;
    clock: () => number;
    adapter?: AdapterFactory;
    /** A handshake could not check its token (database unreachable). */
    onStoreError?: (error: Error) => void;
  },
): Realtime {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(server, {
    serveClient: false,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

  io.use((socket, next) => {
    const auth = SocketAuthSchema.safeParse(socket.handshake.auth);
    const token = auth.success ? auth.data.token : undefined;
    deps.sessions.viewerFor(token).then(
      (viewer) => {
        if (!viewer) return next(new Error(UNAUTHORIZED_SOCKET_MESSAGE));
        socket.data.viewer = viewer;
        next();
      },
      (error: unknown) => {
        // Not a bad token: the database did not answer. `unauthorized` would
        // sign the user out, and any other connect_error stops the client's
        // automatic reconnection; closing the transport lets it retry (with backoff).
        deps.onStoreError?.(error instanceof Error ? error : new Error(String(error)));
        socket.conn.close();
        next(new Error('unavailable'));
      },
    );
  });

  // Joining is synchronous with the in-memory and Redis adapters, so the rooms
  // are set before any later event can be emitted: events flow from `connect` on.
  io.on('connection', (socket) => {
    const { viewer } = socket.data;
    const joined = [userRoom(viewer.id), sessionRoom(viewer.sessionId)];
    // Nothing addressed to an email reaches a user who has not proven they own it.
    if (viewer.verified) joined.push(emailRoom(viewer.email));
    void socket.join(joined);
    ensureSweep();
  });

  let sweep: NodeJS.Timeout | null = null;
  let sweeping = false;
  function ensureSweep() {
    if (sweep) return;
    sweep = setInterval(() => void sweepSockets(), SESSION_SWEEP_MS);
    sweep.unref();
  }

  async function sweepSockets() {
    if (sweeping) return;
    sweeping = true;
    try {
      const sockets = [...io.of('/').sockets.values()];
      if (!sockets.length) {
        if (sweep) clearInterval(sweep);
        sweep = null;
        return;
      }
      const now = deps.clock();
      for (const socket of sockets) if (socket.data.viewer.expiresAt <= now) socket.disconnect(true);
      // The fallback for a logout whose broadcast did not reach this process.
      const live = sockets.filter((s) => s.connected);
      const ended = new Set(await deps.store.sessions.ended([...new Set(live.map((s) => s.data.viewer.sessionId))], now));
      for (const socket of live) if (ended.has(socket.data.viewer.sessionId)) socket.disconnect(true);
    } catch {
      // The database is away: the next sweep asks again; tokens still expire by the clock.
    } finally {
      sweeping = false;
    }
  }

  return {
    publish(events) {
      // Alone (no adapter shares the rooms), a room no socket of ours is in has no one to
      // reach: the event is not encoded at all. A push is usually seen by nobody online, and
      // encoding its events was a twelfth of the server's CPU in a push of 100 records.
      const localRooms = deps.adapter ? null : io.of('/').adapter.rooms;
      for (const event of events) {
        const all = rooms(event.to);
        const to = localRooms ? all.filter((room) => localRooms.has(room)) : all;
        if (to.length === 0) continue;
        let target = io.to(to);
        if (event.except) target = target.except(rooms(event.except));
        // Untyped emit: the event map is described by the shared protocol schemas.
        (target.emit as (name: string, payload: unknown) => boolean)(event.name, event.payload);
      }
    },
    grantEmail(userId, email) {
      io.in(userRoom(userId)).socketsJoin(emailRoom(email));
    },
    endSession(sessionId) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    endUser(userId) {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    async close() {
      if (sweep) clearInterval(sweep);
      io.local.disconnectSockets(true);
      io.engine.close();
      await io.of('/').adapter.close();
    },
  };
}
