/**
 * What tabs of the app say to each other over the tab channel (tab-channel.ts),
 * one BroadcastChannel per user. See tab-client.ts for who sends what.
 *
 * Rows travel as WatermelonDB raws (`_status`/`_changed` included): followers
 * store them as they are, so their screens show exactly the writer's data.
 */
import type { ReferenceRequestInput, Session, SyncState } from './app-client';

export const TAB_PROTOCOL_VERSION = 1;

import type { RawRow } from '../sync/watermelon/record-feed';

export type { RawRow };

/** Every action a follower may ask the writer to perform. */
export type TabAction =
  | { name: 'requestReference'; input: ReferenceRequestInput; recordId: string }
  /** `openedWith` is absent from a tab of an older version: the writer then compares with the record. */
  | { name: 'editRequest'; recordId: string; input: ReferenceRequestInput; openedWith?: ReferenceRequestInput }
  | { name: 'deleteReference'; recordId: string }
  | { name: 'respond'; recordId: string; response: string }
  | { name: 'decline'; recordId: string }
  | { name: 'remind'; recordId: string }
  | { name: 'restoreConflict'; key: string }
  | { name: 'discardLocalChange'; table: 'users' | 'references'; recordId: string };

/** An error as it crosses postMessage: the prototype is lost, so callers match on `name`. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  field?: string;
}

export type TabMessage =
  /** A new writer is ready to serve (followers resend what it has not acknowledged). */
  | { type: 'leader'; epoch: string }
  /** A follower asks for every row (at start, after a gap, under a new writer). */
  | { type: 'hello'; from: string; request: string }
  | { type: 'snapshot'; epoch: string; seq: number; to: string; request: string; rows: Record<string, RawRow[]>; state: SyncState }
  /** Records the writer's database changed, in commit order (`seq` has no gaps within an epoch). */
  | { type: 'rows'; epoch: string; seq: number; table: string; upserts: RawRow[]; removes: string[] }
  | { type: 'state'; epoch: string; state: SyncState }
  | { type: 'action'; id: string; from: string; action: TabAction }
  /** The action is durably saved by the writer (or failed: `error`). */
  | { type: 'ack'; id: string; to: string; error?: WireError }
  | { type: 'command'; name: 'syncNow' | 'retryFailed' }
  | { type: 'session'; session: Session }
  /** This user signed out in some tab: every other tab must drop its copy and leave. */
  | { type: 'signed-out' };

export type TabEnvelope = TabMessage & { v: typeof TAB_PROTOCOL_VERSION };

/** Messages from another version of the app (or anything else on the channel) are dropped. */
export function isTabEnvelope(value: unknown): value is TabEnvelope {
  const v = value as { v?: unknown; type?: unknown } | null;
  return typeof v === 'object' && v !== null && v.v === TAB_PROTOCOL_VERSION && typeof v.type === 'string';
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const extra = error as Error & { code?: unknown; field?: unknown };
    return {
      name: error.name,
      message: error.message,
      ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
      ...(typeof extra.field === 'string' ? { field: extra.field } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: string; field?: string };
  error.name = wire.name;
  if (wire.code !== undefined) error.code = wire.code;
  if (wire.field !== undefined) error.field = wire.field;
  return error;
}
