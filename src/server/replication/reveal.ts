/**
 * Verifying an email is a visibility change (CONTRACT §3): what was already
 * addressed to it becomes the user's to see in their next incremental pull,
 * and their own requests, which waited for them to prove who they are, go
 * out as invitations. One transaction: each revealed reference gets a
 * `reveals` entry and each grant a new position, so a cursor taken before the
 * verification misses none of them. It holds the user's row and the email's
 * bucket alone, so a push addressing this email, or made by this user,
 * commits wholly before it reads or waits until it has committed: none is
 * missed by both (write-tx.ts).
 */
import { hashToken } from '../auth/codes';
import { invitationMail, type MailContext } from '../mail/messages';
import { checkPlaces } from '../store/positions';
import type { Grant, Invitation, NewMail, Reveal, Store, StoredReference, StoredUser, Viewer } from '../store/types';

interface VerificationOutcome {
  user: StoredUser;
  /** References the user sees from now on (for live events). */
  revealed: StoredReference[];
  mailQueued: boolean;
}

/** Marks the viewer's email verified; null when it was already. */
export async function applyVerification(
  store: Store,
  viewer: Viewer,
  now: number,
  mail: MailContext,
): Promise<VerificationOutcome | null> {
  return store.write(async (tx) => {
    const begun = await tx.begin({ user: { id: viewer.id, lock: 'update' }, exclusiveEmail: viewer.email });
    let seq = begun.base;
    const user = (await tx.loadUsers([viewer.id])).get(viewer.id);
    if (!user || user.emailVerified) return null;
    const refIds = await tx.referencesAddressedTo(user.email, user.id);
    const reveals: Reveal[] = refIds.map((referenceId) => ({ viewerId: user.id, referenceId, seq: (seq += 1) }));
    const grants: Grant[] = (await tx.grantedCandidates(user.email))
      .filter((id) => id !== user.id)
      .map((candidateId) => ({ refereeEmail: user.email, candidateId, seq: (seq += 1) }));
    seq += 1;
    const verifiedSeq = seq;

    const invitations: Invitation[] = [];
    const messages: NewMail[] = [];
    for (const ref of await tx.uninvitedReferencesOf(user.id)) {
      const token = mail.inviteToken(ref.id, ref.refereeEmail);
      invitations.push({ referenceId: ref.id, email: ref.refereeEmail, tokenHash: hashToken(token), invitedAt: now, remindedAt: null });
      messages.push(
        invitationMail(
          mail.links,
          {
            to: ref.refereeEmail,
            refereeName: ref.refereeName,
            candidateName: user.name,
            candidateEmail: user.email,
            message: ref.message,
            inviteToken: token,
          },
          now,
        ),
      );
    }
    const revealed = [...(await tx.loadReferences(refIds, { lock: false })).values()];

    await tx.addReveals(reveals);
    await tx.regrant(grants);
    await tx.markVerified(user.id, verifiedSeq);
    await tx.addInvitations(invitations);
    await tx.enqueueMail(messages);
    await tx.deleteEmailCode(user.id);
    checkPlaces(begun.base, seq);
    return { user: { ...user, emailVerified: true, verifiedSeq }, revealed, mailQueued: messages.length > 0 };
  });
}
