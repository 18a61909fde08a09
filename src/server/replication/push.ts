/**
 * POST /api/sync/push as one transaction: begin (the transaction's id, the
 * pusher's row locked and read as committed), load and lock every record the
 * push names, decide each record (reject / no-op / write), hand out cursor
 * positions in order, write, queue the mail the push causes (invitations,
 * reminders) in the same transaction, commit. Pushes of different records run
 * in parallel (store/pull.ts). Events go out only after commit.
 */
import type { Conflict, PushRequest, PushResponse, Rejection } from '../../shared/protocol';
import { hashToken } from '../auth/codes';
import { invitationMail, reminderMail, type MailContext } from '../mail/messages';
import { checkPlaces } from '../store/positions';
import type { Departure, Grant, Invitation, NewMail, Store, StoredReference, StoredUser, Viewer } from '../store/types';
import type { Decision } from './decision';
import { referenceEvents, type ChangeEvent } from './events';
import { parsePushEntries } from './push-entries';
import { decideReference, type PushContext } from './push-reference';
import { decideUser } from './push-user';

interface Pending<Row> {
  prev: Row | undefined;
  row: Row;
  wonColumns: Set<string>;
  dataChanged: boolean;
}

export interface PushOutcome {
  response: PushResponse;
  events: ChangeEvent[];
  /** Mail was queued: the sender should look now. */
  mailQueued: boolean;
}

const invitationKey = (referenceId: string, email: string) => `${referenceId}\u0000${email}`;

type PushViewer = Pick<Viewer, 'id' | 'email' | 'name' | 'verified'>;

/** Who pushes, as their token says: the session is checked inside the push's transaction. */
export interface Pusher {
  userId: string;
  sessionId: string;
}

/** The pusher's session has ended or expired (or their account is gone): answered 401, nothing written. */
export class SessionNotLiveError extends Error {
  constructor() {
    super('the session has ended');
  }
}

export async function applyPush(
  store: Store,
  pusher: Pusher,
  body: PushRequest,
  receivedAt: number,
  mailContext: MailContext,
): Promise<PushOutcome> {
  // Parsed outside the transaction: locks are held only for database work.
  const { entries: parsed, rejections } = parsePushEntries(body);
  const hasUsers = parsed.some((p) => p.table === 'users');

  let mailQueued = false;
  // A Map, not an object: table names come from the client ("constructor", "toString", ...).
  let rejected = new Map<string, Rejection[]>();
  let conflicts = new Map<string, Conflict>();
  const addRejection = (table: string, id: string, code: Rejection['code'], message: string) => {
    const list = rejected.get(table) ?? [];
    list.push({ id, code, message });
    rejected.set(table, list);
  };
  const events = await store.write(async (tx) => {
    // A transaction may run again (a deadlock, a concurrent create): it starts afresh.
    rejected = new Map();
    conflicts = new Map();
    for (const r of rejections) addRejection(r.table, r.id, r.code, r.message);
    const refIds = parsed.filter((p) => p.table === 'references').map((p) => p.write.id);
    const begun = await tx.begin({
      user: { id: pusher.userId, lock: hasUsers ? 'update' : 'share' },
      session: { id: pusher.sessionId, now: receivedAt },
      references: refIds,
    });
    if (!begun.sessionLive || begun.email === null || begun.name === null) throw new SessionNotLiveError();
    // Read in this transaction, not when the request came in: a verification that committed
    // meanwhile releases this push's invitations (reveal.ts).
    const viewer: PushViewer = { id: pusher.userId, email: begun.email, name: begun.name, verified: begun.verified ?? false };
    let seq = begun.base;
    const users = await tx.loadUsers(parsed.filter((p) => p.table === 'users').map((p) => p.write.id));
    const refs = begun.references;
    // Only a candidate's own requests consult their invitations (a reminder's 24 hours, whether one
    // went out): a referee's answer costs no read of them, which is a round trip.
    const ownIds = [...refs.values()].filter((r) => r.userId === pusher.userId).map((r) => r.id);
    const invitations = new Map<string, Invitation>();
    for (const inv of await tx.loadInvitations(ownIds)) invitations.set(invitationKey(inv.referenceId, inv.email), inv);
    const ctx: PushContext = {
      viewer,
      receivedAt,
      lastPulledAt: body.lastPulledAt ?? null,
      invitation: (referenceId, email) => {
        if (refs.get(referenceId)?.userId !== pusher.userId) throw new Error(`the invitations of ${referenceId} were not read: not the pusher's request`);
        return invitations.get(invitationKey(referenceId, email));
      },
    };
    const pendingUsers = new Map<string, Pending<StoredUser>>();
    const pendingRefs = new Map<string, Pending<StoredReference>>();

    const record = <Row>(
      table: string,
      id: string,
      decision: Decision<Row>,
      current: Map<string, Row>,
      pending: Map<string, Pending<Row>>,
    ) => {
      if (decision.type === 'rejected') return addRejection(table, id, decision.code, decision.message);
      if (decision.type === 'noop') return;
      const earlier = pending.get(id);
      pending.set(id, {
        prev: earlier ? earlier.prev : current.get(id),
        row: decision.row,
        wonColumns: new Set([...(earlier?.wonColumns ?? []), ...decision.wonColumns]),
        dataChanged: (earlier?.dataChanged ?? false) || decision.dataChanged,
      });
      current.set(id, decision.row);
      if (decision.conflict) conflicts.set(`${table}\u0000${id}`, { table, id, winner: decision.conflict });
    };

    for (const p of parsed) {
      if (p.table === 'users') {
        record('users', p.write.id, decideUser(p.kind, p.write, users.get(p.write.id), ctx), users, pendingUsers);
      } else {
        record('references', p.write.id, decideReference(p.kind, p.write, refs.get(p.write.id), ctx), refs, pendingRefs);
      }
    }

    const userRows: StoredUser[] = [];
    for (const p of pendingUsers.values()) {
      seq += 1;
      const colSeqs = { ...p.row.colSeqs };
      for (const c of p.wonColumns) colSeqs[c] = seq;
      userRows.push({ ...p.row, seq, colSeqs });
    }
    const refRows: StoredReference[] = [];
    const grants: Grant[] = [];
    const grantKeys = new Set<string>();
    const departures: Departure[] = [];
    const out: ChangeEvent[] = [];
    const mail: NewMail[] = [];
    const newInvitations: Invitation[] = [];
    const reinvited: Invitation[] = [];
    const reminded: Invitation[] = [];
    for (const p of pendingRefs.values()) {
      seq += 1;
      const colSeqs = { ...p.row.colSeqs };
      for (const c of p.wonColumns) colSeqs[c] = seq;
      const row: StoredReference = { ...p.row, seq, colSeqs, createdSeq: p.prev ? p.prev.createdSeq : seq };
      refRows.push(row);
      const emailChanged = p.prev?.refereeEmail !== row.refereeEmail;
      if (!row.isDeleted && emailChanged) {
        const grantKey = `${row.refereeEmail}\u0000${row.userId}`;
        if (!grantKeys.has(grantKey)) {
          grantKeys.add(grantKey);
          seq += 1;
          grants.push({ refereeEmail: row.refereeEmail, candidateId: row.userId, seq });
        }
        if (p.prev) {
          seq += 1;
          departures.push({ referenceId: row.id, refereeEmail: p.prev.refereeEmail, seq });
        }
      }
      if (p.dataChanged) out.push(...referenceEvents(p.prev, row));
      mail.push(...mailFor(p.prev, row, viewer, ctx, mailContext, receivedAt, { newInvitations, reinvited, reminded }));
    }

    checkPlaces(begun.base, seq);
    // The addresses before and after: a verification of either waits for this push, or it for the verification.
    const emails = new Set<string>();
    for (const p of pendingRefs.values()) {
      emails.add(p.row.refereeEmail);
      if (p.prev) emails.add(p.prev.refereeEmail);
    }
    await tx.lockEmails(emails);
    await tx.saveUsers(userRows);
    await tx.saveReferences(refRows);
    await tx.addGrants(grants);
    await tx.addDepartures(departures);
    await tx.addInvitations(newInvitations);
    await tx.renewInvitations(reinvited);
    for (const inv of reminded) await tx.setInvitationReminded(inv.referenceId, inv.email, receivedAt);
    await tx.enqueueMail(mail);
    mailQueued = mail.length > 0;
    return out;
  });

  return { response: { conflicts: [...conflicts.values()], rejected: Object.fromEntries(rejected) }, events, mailQueued };
}

/** The invitation rows a push's mail writes, by what happens to them. */
interface InvitationWrites {
  /** First invitations of a reference to an address. */
  newInvitations: Invitation[];
  /** A reference retargeted back to an address it had invited: invited again, from now. */
  reinvited: Invitation[];
  reminded: Invitation[];
}

/**
 * The mail a written reference causes (CONTRACT §3): an invitation when a
 * verified candidate's pending request is created or retargeted to an address
 * (an unverified candidate's wait for their verification, reveal.ts), a
 * reminder when `reminded_at` changed (decideReference allowed it). One
 * message per reference and push.
 */
function mailFor(
  prev: StoredReference | undefined,
  row: StoredReference,
  viewer: PushViewer,
  ctx: PushContext,
  mail: MailContext,
  now: number,
  writes: InvitationWrites,
): NewMail[] {
  if (row.isDeleted || row.status !== 'pending' || row.userId !== viewer.id || !viewer.verified) return [];
  const token = mail.inviteToken(row.id, row.refereeEmail);
  const facts = {
    to: row.refereeEmail,
    refereeName: row.refereeName,
    candidateName: viewer.name,
    candidateEmail: viewer.email,
    message: row.message,
    inviteToken: token,
  };
  const existing = ctx.invitation?.(row.id, row.refereeEmail);
  // Retargeted to an address it had invited and left since: the request is new to that referee
  // again (it left their pulls), so they are invited anew and a reminder's 24 hours restart.
  const retargeted = prev !== undefined && prev.refereeEmail !== row.refereeEmail;
  if (!existing || retargeted) {
    const invitation: Invitation = { referenceId: row.id, email: row.refereeEmail, tokenHash: hashToken(token), invitedAt: now, remindedAt: null };
    (existing ? writes.reinvited : writes.newInvitations).push(invitation);
    return [invitationMail(mail.links, facts, now)];
  }
  if (prev && (prev.remindedAt ?? null) !== (row.remindedAt ?? null) && row.remindedAt !== null) {
    writes.reminded.push(existing);
    return [reminderMail(mail.links, facts, now)];
  }
  return [];
}
