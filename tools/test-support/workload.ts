/**
 * A pushing workload that remembers what the server acknowledged, for crash
 * and outage tests: `run()` keeps pushing (new references, edits of earlier
 * ones) until stopped; `verify()` checks a full pull against the ledger.
 *
 * What may be on the server after a crash: every push answered 200 (all of
 * it), and any push that got no answer either wholly or not at all. A record's
 * `message` must be the last acknowledged value or one sent after it.
 */
import type { PullResponse, PushResponse } from '../../src/shared/protocol';
import { idsOf, newReference, updateOf, type RawRecord, type TestClient, type TestUser } from './client';
import type { Response } from './harness';

interface Sent {
  /** Position in this writer's sequence of pushes. */
  index: number;
  message: string;
}

interface RecordLedger {
  /** Values in the order they were pushed. */
  sent: Sent[];
  /** Index of the last push that carried this record and was answered 200; -1 if none. */
  lastAcked: number;
  /** The row as last acknowledged (base for the next edit). */
  ackedRow: RawRecord | null;
}

export interface PushOutcome {
  status: number | 'network';
  body?: unknown;
  ms: number;
}

export class LedgerWriter {
  readonly records = new Map<string, RecordLedger>();
  /** Ids created together by one push that got no answer: all or none may exist. */
  readonly unackedBatches: string[][] = [];
  readonly outcomes: PushOutcome[] = [];
  inFlight = 0;
  acked = 0;
  private pushes = 0;
  private counter = 0;
  private lastTime = 0;

  constructor(
    public client: TestClient,
    readonly user: TestUser,
    readonly refereeEmail: string,
  ) {}

  private now(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  private message(): string {
    this.counter += 1;
    return `${this.user.name} #${this.counter}`;
  }

  /** One push: creates 1–3 references or edits up to 2 acknowledged ones. */
  async pushOnce(): Promise<PushOutcome> {
    const index = this.pushes++;
    const editable = [...this.records.entries()].filter(([, r]) => r.ackedRow);
    const created: RawRecord[] = [];
    const updated: RawRecord[] = [];
    if (editable.length > 0 && index % 2 === 1) {
      for (const [, r] of editable.slice(-2)) updated.push(updateOf(r.ackedRow!, { message: this.message() }, this.now()));
    } else {
      const n = 1 + (index % 3);
      for (let i = 0; i < n; i += 1) {
        const at = this.now();
        created.push(newReference(this.user, this.refereeEmail, { message: this.message(), created_at: at, updated_at: at }));
      }
    }
    for (const row of [...created, ...updated]) {
      const ledger = this.records.get(row.id) ?? { sent: [], lastAcked: -1, ackedRow: null };
      ledger.sent.push({ index, message: String(row.message) });
      this.records.set(row.id, ledger);
    }

    const started = performance.now();
    let res: Response<PushResponse> | undefined;
    this.inFlight += 1;
    try {
      res = await this.client.push(this.user, { references: { created, updated } });
    } catch {
      res = undefined;
    } finally {
      this.inFlight -= 1;
    }
    const outcome: PushOutcome = { status: res?.status ?? 'network', body: res?.body, ms: performance.now() - started };
    this.outcomes.push(outcome);
    const accepted = res?.status === 200 && Object.keys(res.body.rejected).length === 0;
    if (res?.status === 200 && !accepted) throw new Error(`push rejected records: ${JSON.stringify(res.body)}`);
    if (accepted) {
      this.acked += 1;
      for (const row of [...created, ...updated]) {
        const ledger = this.records.get(row.id)!;
        ledger.lastAcked = index;
        ledger.ackedRow = { ...row, _status: 'synced', _changed: '' };
      }
    } else if (created.length > 0) {
      this.unackedBatches.push(created.map((r) => r.id));
    }
    return outcome;
  }

  /** Pushes until `shouldStop()`; the pause between pushes is `pauseMs`. */
  async run(shouldStop: () => boolean, pauseMs = 0): Promise<void> {
    while (!shouldStop()) {
      const outcome = await this.pushOnce();
      // After a refused connection, do not spin.
      const pause = outcome.status === 200 ? pauseMs : Math.max(pauseMs, 50);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** Problems found comparing the user's full pull with the ledger (empty = fine). */
  verify(pull: PullResponse[]): string[] {
    const rows = new Map<string, Record<string, unknown>>();
    for (const page of pull) {
      for (const row of idsOf(page, 'references').rows) rows.set(row.id, row);
      for (const id of page.changes.references.deleted) rows.delete(id);
    }
    const problems: string[] = [];
    for (const [id, ledger] of this.records) {
      const row = rows.get(id);
      const allowed = ledger.sent.filter((s) => s.index >= ledger.lastAcked).map((s) => s.message);
      if (!row) {
        if (ledger.lastAcked >= 0) problems.push(`${id}: acknowledged but missing`);
        continue;
      }
      if (!allowed.includes(String(row.message))) {
        problems.push(`${id}: message ${JSON.stringify(row.message)} not in ${JSON.stringify(allowed)} (last ack ${ledger.lastAcked})`);
      }
    }
    for (const id of rows.keys()) if (!this.records.has(id)) problems.push(`${id}: on the server but never pushed`);
    for (const batch of this.unackedBatches) {
      const present = batch.filter((id) => rows.has(id)).length;
      if (present !== 0 && present !== batch.length) problems.push(`unanswered push ${batch.join(',')}: ${present}/${batch.length} present`);
    }
    return problems;
  }
}

/** Signs up `n` candidates, each writing to its own referee address. */
export async function ledgerWriters(client: TestClient, n: number, prefix = 'Writer'): Promise<LedgerWriter[]> {
  const writers: LedgerWriter[] = [];
  for (let i = 0; i < n; i += 1) {
    const user = await client.signup(`${prefix}${i}`);
    writers.push(new LedgerWriter(client, user, `referee-${user.id}@example.com`));
  }
  return writers;
}

/** Resolves once `check()` is true; polls every 10 ms. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
