/**
 * Socket.IO on the API's own http server (CONTRACT §4). Each socket joins a
 * room for its user id and one for its lowercased email; events are
 * addressed to those rooms, so with the Redis adapter they reach sockets
 * connected to any server process. Handlers here never write to the database.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { SocketAuthSchema, UNAUTHORIZED_SOCKET_MESSAGE } from '../../shared/protocol';
import type { TokenService } from '../auth/tokens';
import { viewerFromToken } from '../http/authenticate';
import type { Store, Viewer } from '../store/types';
import type { Audience, ChangeEvent } from '../replication/events';

export type AdapterFactory = NonNullable<ServerOptions['adapter']>;

export interface Realtime {
  publish(events: ChangeEvent[]): void;
  /** Disconnects this process's sockets; the http server is closed by its owner. */
  close(): Promise<void>;
}

const userRoom = (id: string) => `user:${id}`;
const emailRoom = (email: string) => `email:${email.toLowerCase()}`;
const rooms = (a: Audience) => [...a.userIds.map(userRoom), ...a.emails.map(emailRoom)];

interface SocketData {
  viewer: Viewer;
}

export function attachRealtime(
  server: HttpServer,
  deps: {
    store: Store;
    tokens: TokenService;
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
    viewerFromToken(deps.tokens, deps.store, token).then(
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
    void socket.join([userRoom(socket.data.viewer.id), emailRoom(socket.data.viewer.email)]);
  });

  return {
    publish(events) {
      for (const event of events) {
        const to = rooms(event.to);
        if (to.length === 0) continue;
        let target = io.to(to);
        if (event.except) target = target.except(rooms(event.except));
        // Untyped emit: the event map is described by the shared protocol schemas.
        (target.emit as (name: string, payload: unknown) => boolean)(event.name, event.payload);
      }
    },
    async close() {
      io.local.disconnectSockets(true);
      io.engine.close();
      await io.of('/').adapter.close();
    },
  };
}
