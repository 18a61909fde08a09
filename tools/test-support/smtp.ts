/**
 * A real SMTP server in the test process (smtp-server, by nodemailer's
 * authors): the SMTP path is tested against the protocol, not a mock
 * transport. Requires the credentials it is given and records every message.
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { ReceivedMail } from './mailbox';

export interface TestSmtp {
  /** `smtp://user:pass@127.0.0.1:port` */
  url: string;
  port: number;
  received: ReceivedMail[];
  /** SMTP sessions opened so far. */
  connections(): number;
  /** Cuts every open connection, as a mail server that restarts or times idle clients out. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startSmtp(options: { port?: number; user?: string; pass?: string } = {}): Promise<TestSmtp> {
  const user = options.user ?? 'mailer';
  const pass = options.pass ?? 'mail-secret';
  const received: ReceivedMail[] = [];
  let sessions = 0;
  const server = new SMTPServer({
    // Plain text on loopback: no certificate to make; the credentials are still checked.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, callback) {
      sessions += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
            received.push({
              file: '',
              to: (to?.value[0]?.address ?? '').toLowerCase(),
              from: (parsed.from?.value[0]?.address ?? '').toLowerCase(),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
              raw,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    port,
    received,
    connections: () => sessions,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
