/**
 * The Realtime port over socket.io-client (CONTRACT §4). Events are only
 * hints for the engine (see src/sync/realtime-apply.ts); every (re)connect is
 * reported so the engine pulls whatever was missed meanwhile.
 */
import { io, type Socket } from 'socket.io-client';
import { REFERENCE_EVENTS, UNAUTHORIZED_SOCKET_MESSAGE } from '../shared/protocol/constants';
import type { Realtime, RealtimeEvent } from '../sync/ports';

export interface SocketRealtimeOptions {
  /** undefined = same origin. */
  url?: string;
  token: string;
  /** The server refused the token. */
  onUnauthorized?: () => void;
}

export function createSocketRealtime(options: SocketRealtimeOptions): Realtime {
  let token = options.token;
  let socket: Socket | null = null;
  return {
    setToken(next) {
      token = next;
      if (socket) {
        socket.auth = { token };
        if (!socket.connected) socket.connect();
      }
    },
    start({ onEvent, onConnect }) {
      const opts = {
        auth: (cb: (data: object) => void) => cb({ token }),
        reconnection: true,
        reconnectionDelay: 1_000,
        reconnectionDelayMax: 5_000,
        // A WebSocket straight away: polling first (socket.io's default) sent four requests that
        // queued beside the first sync's pages before the upgrade. A network that blocks
        // WebSockets still gets a connection, by polling, after the WebSocket fails.
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
      };
      const s = options.url === undefined ? io(opts) : io(options.url, opts);
      socket = s;
      s.on('connect', onConnect);
      // The server cut us off (the session ended, or its token expired): socket.io does not
      // retry that by itself. Trying again is what tells an ended session (unauthorized) from
      // a server that restarted.
      s.on('disconnect', (reason) => {
        if (reason === 'io server disconnect') s.connect();
      });
      s.on('connect_error', (error: Error) => {
        // A refused token stops socket.io's automatic reconnection; setToken() reconnects.
        if (error.message === UNAUTHORIZED_SOCKET_MESSAGE) options.onUnauthorized?.();
      });
      for (const type of Object.values(REFERENCE_EVENTS)) {
        s.on(type, (payload: unknown) => onEvent({ type, payload } as RealtimeEvent));
      }
      return () => {
        s.removeAllListeners();
        s.disconnect();
        if (socket === s) socket = null;
      };
    },
  };
}
