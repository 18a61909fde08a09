/**
 * Delivers the mail outbox. Messages are committed with the change that
 * causes them; this loop sends what is due, marks it sent, and retries a
 * failed send with backoff. After a crash (even `kill -9` between commit and
 * send) the next process finds the message still unsent and sends it.
 *
 *   due ──claim (lease)──▶ sending ──ok──▶ sent
 *                            └──error──▶ due again after the next delay
 *
 * A process that dies while sending holds a lease; once it runs out another
 * claim sends the message again: the only case of a message sent twice (its
 * Message-ID is the same both times).
 */
import type { MailOutboxStore, MailRow } from '../store/types';
import type { MailTransport } from './transports';

/** Delays after the 1st, 2nd, … failed send; the last repeats. */
const MAIL_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000] as const;
/** Longer than any send can take (transports.ts bounds SMTP at well under it). */
const MAIL_LEASE_MS = 120_000;

export interface MailLogger {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
}

interface MailSenderDeps {
  outbox: MailOutboxStore;
  transport: MailTransport;
  clock: () => number;
  logger: MailLogger;
  /** `From:` of every message. */
  from: string;
  /** Right-hand side of Message-IDs (the app's host name). */
  messageIdDomain: string;
  /** How often to look for due messages besides being nudged (other processes' mail, retries). */
  pollMs?: number;
  retryDelaysMs?: readonly number[];
  batchSize?: number;
}

interface MailSender {
  /** Something was just committed to the outbox: look now. */
  nudge(): void;
  /** Stops looking; waits for a send in progress. */
  stop(): Promise<void>;
}

function messageIdFor(row: Pick<MailRow, 'id'>, domain: string): string {
  return `<${row.id}@${domain}>`;
}

export function startMailSender(deps: MailSenderDeps): MailSender {
  const pollMs = deps.pollMs ?? 2_000;
  const delays = deps.retryDelaysMs ?? MAIL_RETRY_DELAYS_MS;
  const batch = deps.batchSize ?? 20;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function sendOne(row: MailRow): Promise<void> {
    try {
      const where = await deps.transport.send({
        messageId: messageIdFor(row, deps.messageIdDomain),
        from: deps.from,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
      });
      await deps.outbox.markSent(row.id, deps.clock());
      deps.logger.info({ mail: row.id, kind: row.kind, where }, deps.transport.kind === 'file' ? 'mail written to a file' : 'mail sent');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const delay = delays[Math.min(row.attempts, delays.length - 1)] ?? 60_000;
      deps.logger.warn({ mail: row.id, kind: row.kind, attempts: row.attempts + 1, retryInMs: delay, err: { message } }, 'mail not sent; will retry');
      await deps.outbox.markFailed(row.id, message, deps.clock() + delay).catch(() => {
        // The lease runs out by itself and the message is tried again then.
      });
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      let rows: MailRow[];
      try {
        rows = await deps.outbox.claim(deps.clock(), MAIL_LEASE_MS, batch);
      } catch (error) {
        deps.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'mail outbox unreadable; will look again');
        return;
      }
      for (const row of rows) {
        if (stopped) return;
        await sendOne(row);
      }
      if (rows.length === batch) again = true;
    } while (again && !stopped);
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => {
      running = null;
      if (again && !stopped) run();
      else schedule();
    });
  }

  function schedule(): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, pollMs);
    timer.unref();
  }

  run();
  return {
    nudge: () => run(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      deps.transport.close();
    },
  };
}
