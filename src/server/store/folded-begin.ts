/**
 * PostgreSQL connections that send a transaction's BEGIN together with its
 * first statement, in one write: one round trip fewer per transaction.
 *
 * Drizzle sends `begin` as a statement of its own and waits for its answer
 * before the transaction's first statement, so a push paid a round trip (a
 * socket write and a wake-up on both sides, plus the network's latency when
 * the database is on another machine) for a command that cannot fail on a
 * healthy connection. Here `begin` is only noted; the next statement goes
 * out as Parse/Bind/Execute of BEGIN followed by its own messages and one
 * Sync. The backend runs them in order: the statement runs inside the
 * transaction, and if BEGIN or the statement fails the statement's error
 * is what the caller sees, with the transaction begun or not at all (the
 * caller's ROLLBACK is harmless either way). A COMMIT or ROLLBACK with no
 * statement since the noted BEGIN ends a transaction that never started
 * and sends nothing.
 *
 * Only the promise form of `query` with a statement that goes over the
 * extended protocol (parameters or a name) is folded; anything else first
 * sends the noted BEGIN as before.
 */
import pg from 'pg';
import type { QueryConfigLike } from './named-statements';

const BEGIN = /^\s*begin\s*$/i;
const END = /^\s*(commit|rollback)\s*$/i;

interface Connection {
  parse(query: { text: string; name?: string }): void;
  bind(config: { portal?: string; statement?: string; values?: unknown[] }): void;
  execute(config: { portal?: string; rows?: number }): void;
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  stream: { cork?: () => void; uncork?: () => void };
}

/** The parts of pg's Query this relies on (lib/query.js); not in its typings. */
interface QueryInternals {
  text: string;
  get name(): string | undefined;
  set name(value: string | undefined);
  submit(connection: Connection): Error | null;
  handleCommandComplete(msg: unknown, connection: Connection): void;
  handleError(err: unknown, connection: Connection): void;
  callback?: (err: Error | null, res?: unknown) => void;
}

const QueryBase = (pg as unknown as { Query: new (config: unknown, values?: unknown) => QueryInternals }).Query;

/**
 * A statement preceded on the wire by BEGIN. Until BEGIN's CommandComplete
 * arrives, the answers are BEGIN's: its ParseComplete must not mark this
 * statement's name as parsed on the connection (pg reads `name` there), and
 * its CommandComplete is not a result of this statement.
 */
class AfterBegin extends QueryBase {
  private beginAnswering = false;
  // `declare`: a field would be set after pg's constructor, over the name it gave the setter.
  declare private ownName: string | undefined;

  // Assigned by pg's constructor; read by the client as answers arrive.
  override get name(): string | undefined {
    return this.beginAnswering ? undefined : this.ownName;
  }
  override set name(value: string | undefined) {
    this.ownName = value;
  }

  override submit(connection: Connection): Error | null {
    // pg refuses a name reused for another text before writing anything: so does this, BEGIN included.
    const name = this.ownName;
    const previous = name ? (connection.parsedStatements[name] ?? connection.submittedNamedStatements[name]) : undefined;
    if (previous !== undefined && previous !== this.text) return super.submit(connection);
    connection.stream.cork?.();
    try {
      connection.parse({ text: 'BEGIN' });
      connection.bind({});
      connection.execute({});
      const error = super.submit(connection);
      // Only now: the statement's own Parse (sent just above) is named as before.
      if (!error) this.beginAnswering = true;
      return error;
    } finally {
      connection.stream.uncork?.();
    }
  }

  override handleCommandComplete(msg: unknown, connection: Connection): void {
    if (this.beginAnswering) {
      this.beginAnswering = false;
      return;
    }
    super.handleCommandComplete(msg, connection);
  }

  override handleError(err: unknown, connection: Connection): void {
    if (this.beginAnswering) {
      // BEGIN itself failed: the backend skipped this statement, so it was never parsed.
      this.beginAnswering = false;
      if (this.ownName) delete connection.submittedNamedStatements[this.ownName];
    }
    super.handleError(err, connection);
  }
}

const emptyResult = (command: string) => ({ command, rowCount: null, oid: null, rows: [], fields: [] });

/** Connections whose transaction's BEGIN is noted and not yet sent. */
const begun = new WeakSet<object>();

/**
 * For a connection going back to its pool: a BEGIN noted on it and never sent
 * (no statement followed, and no COMMIT or ROLLBACK) is forgotten, so it cannot
 * open a transaction around whatever the connection's next user runs.
 */
export function forgetNotedBegin(client: object): void {
  begun.delete(client);
}

/** `Base` whose `query` folds a transaction's BEGIN into the statement after it. */
export function foldingBegin(Base: typeof pg.Client): typeof pg.Client {
  const plain = Base.prototype.query as (...args: unknown[]) => unknown;
  class Folding extends Base {}
  Folding.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const c: QueryConfigLike | null = typeof config === 'string' ? { text: config } : config && typeof config === 'object' ? (config as QueryConfigLike) : null;
    const text = typeof c?.text === 'string' ? c.text : null;
    const values = Array.isArray(c?.values) ? c.values : rest[0];
    const promised = !rest.some((arg) => typeof arg === 'function') && typeof c?.submit !== 'function';
    const hasValues = Array.isArray(values) && values.length > 0;
    if (promised && text !== null && !hasValues && BEGIN.test(text) && !begun.has(this)) {
      begun.add(this);
      return Promise.resolve(emptyResult('BEGIN'));
    }
    if (!begun.has(this)) return plain.call(this, config, ...rest);
    begun.delete(this);
    if (promised && text !== null && !hasValues && END.test(text)) return Promise.resolve(emptyResult(text.trim().toUpperCase()));
    if (!promised || text === null || !(hasValues || typeof c?.name === 'string')) {
      // Sent as before: BEGIN on its own, then the statement.
      (plain.call(this, 'BEGIN') as Promise<unknown>).catch(() => undefined);
      return plain.call(this, config, ...rest);
    }
    const query = new AfterBegin({ ...c, values });
    return new Promise((resolve, reject) => {
      query.callback = (err, res) => (err ? reject(err) : resolve(res));
      plain.call(this, query);
    });
  } as typeof Base.prototype.query;
  return Folding;
}
