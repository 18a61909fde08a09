/**
 * Where mail goes: over SMTP with nodemailer when `SMTP_URL` is set, else
 * into `DATA_DIR/mail/` as one RFC 5322 `.eml` file per message (composed by
 * nodemailer too, so both paths carry the same message), so a fresh machine
 * needs no mail server.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

interface OutgoingMail {
  /** `<…@…>`: stable for the outbox row, so a message sent again after a crash is recognizably the same. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  /** Human-readable: where messages go (logged at start). */
  readonly target: string;
  /** Resolves once the message is handed over (SMTP accepted it, the file is complete); returns where it went. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

/** Below the sender's lease (sender.ts), so a hung server cannot make two processes send one message. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createSmtpTransport(url: string): MailTransport {
  // One connection kept open and used for message after message (the sender sends one at a
  // time): a burst of invitations would otherwise connect, greet and log in once per message.
  const transporter = nodemailer.createTransport({ url, pool: true, maxConnections: 1, maxMessages: 100, ...SMTP_TIMEOUTS });
  const parsed = new URL(url);
  return {
    kind: 'smtp',
    target: `${parsed.protocol}//${parsed.host}`,
    async send(mail) {
      const info = await transporter.sendMail({ ...mail });
      return `smtp ${info.messageId}`;
    },
    close: () => transporter.close(),
  };
}

/** `20261201T071930123Z`: files sort by the time they were written. */
function sortableTime(now: number): string {
  return new Date(now).toISOString().replace(/[-:.]/g, '');
}

export function createFileTransport(dir: string, clock: () => number = () => Date.now()): MailTransport {
  mkdirSync(dir, { recursive: true });
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    target: dir,
    async send(mail) {
      const info = await composer.sendMail({ ...mail });
      const name = `${sortableTime(clock())}-${randomBytes(4).toString('hex')}.eml`;
      const file = join(dir, name);
      // Written aside and renamed: a reader never sees half a message under a .eml name.
      const partial = join(dir, `.${name}.partial`);
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
      return file;
    },
    close: () => composer.close(),
  };
}
