/**
 * Floors for the real-time figures: a bare Socket.IO server in its own
 * process (like the real one). `echo` answers at once; `go` makes it
 * `io.emit` one event to every socket. Prints its port.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('echo', (payload: unknown, ack: (p: unknown) => void) => ack(payload));
  socket.on('go', (payload: unknown) => io.emit('x', payload));
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address() as { port: number };
  process.stdout.write(`PORT ${address.port}\n`);
});
