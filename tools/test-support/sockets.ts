/** Real socket.io-client connections that record every event they receive. */
import { io, type Socket } from 'socket.io-client';

export interface Received {
  event: string;
  payload: { record: { id: string } & Record<string, unknown>; timestamp: number };
}

export interface RecordingSocket {
  socket: Socket;
  received: Received[];
  close(): void;
}

export function connectSocket(url: string, token: string): Promise<RecordingSocket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const received: Received[] = [];
  socket.onAny((event: string, payload: Received['payload']) => received.push({ event, payload }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, received, close: () => socket.close() }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Polls until `check` passes or the deadline is reached. */
export async function eventually(check: () => void, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
