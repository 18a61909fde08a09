/**
 * Real-time notifications a committed push produces (CONTRACT §4), addressed
 * by user id and by (lowercased) email so the transport can map them to rooms.
 */
import { REFERENCE_EVENTS, type ReferenceEventName } from '../../shared/protocol';
import type { StoredReference } from '../store/types';
import { referenceToWire } from './wire-rows';

export interface Audience {
  userIds: string[];
  emails: string[];
}

export interface ChangeEvent {
  name: ReferenceEventName;
  payload: { record: unknown; timestamp: number };
  to: Audience;
  /** Sockets also in one of these rooms do not get this event (they get another one). */
  except?: Audience;
}

/** Receives events after the transaction that produced them committed. */
export type PublishChanges = (events: ChangeEvent[]) => void;

export function referenceEvents(prev: StoredReference | undefined, next: StoredReference): ChangeEvent[] {
  // Informational (CONTRACT §4): the record's own time, which tells nothing of other users' writes.
  const ts = next.updatedAt;
  const owner = next.userId;
  if (next.isDeleted) {
    if (!prev || prev.isDeleted) return [];
    return [
      {
        name: REFERENCE_EVENTS.deleted,
        payload: { record: { id: next.id }, timestamp: ts },
        to: { userIds: [owner], emails: [prev.refereeEmail] },
      },
    ];
  }
  const record = referenceToWire(next);
  if (!prev || prev.isDeleted) {
    return [{ name: REFERENCE_EVENTS.created, payload: { record, timestamp: ts }, to: { userIds: [owner], emails: [next.refereeEmail] } }];
  }
  if (prev.refereeEmail === next.refereeEmail) {
    return [{ name: REFERENCE_EVENTS.updated, payload: { record, timestamp: ts }, to: { userIds: [owner], emails: [next.refereeEmail] } }];
  }
  const none = { userIds: [], emails: [] };
  return [
    { name: REFERENCE_EVENTS.updated, payload: { record, timestamp: ts }, to: { userIds: [owner], emails: [] } },
    {
      name: REFERENCE_EVENTS.created,
      payload: { record, timestamp: ts },
      to: { ...none, emails: [next.refereeEmail] },
      except: { userIds: [owner], emails: [] },
    },
    {
      name: REFERENCE_EVENTS.deleted,
      payload: { record: { id: next.id }, timestamp: ts },
      to: { ...none, emails: [prev.refereeEmail] },
      except: { userIds: [owner], emails: [next.refereeEmail] },
    },
  ];
}

/** A verification revealed these references to the user: their open screens learn it live. */
export function revealEvents(userId: string, revealed: readonly StoredReference[]): ChangeEvent[] {
  return revealed.map((row) => ({
    name: REFERENCE_EVENTS.created,
    payload: { record: referenceToWire(row), timestamp: row.updatedAt },
    to: { userIds: [userId], emails: [] },
  }));
}
