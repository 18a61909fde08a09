/** What processing one pushed record decided, before cursor values are handed out. */
import type { Rejection } from '../../shared/protocol';

export type Decision<Row> =
  | { type: 'rejected'; code: Rejection['code']; message: string }
  /** Accepted, nothing to store (a replay, a delete of a missing id, ...). */
  | { type: 'noop' }
  | {
      type: 'write';
      row: Row;
      /** Columns whose value or time the write set: they get this write's cursor value. */
      wonColumns: string[];
      /** Whether clients see different data (false: only a new cursor value, e.g. after losing). */
      dataChanged: boolean;
      conflict: 'server' | 'local' | null;
    };

export const reject = (code: Rejection['code'], message: string): Decision<never> => ({ type: 'rejected', code, message });

/** What a push may say about a record the pusher cannot see (CONTRACT: nothing but that the id is taken). */
export const ID_TAKEN = 'id is taken';
