/**
 * The messages the server sends (CONTRACT §3), as rows for the mail outbox.
 * The verification message stays ASCII with short lines, so it travels as
 * 7bit text and its code can be read off the raw `.eml` file: the code sits
 * alone on its own line, and nothing else in it is six digits on a line.
 */
import { randomUUID } from 'node:crypto';
import type { NewMail } from '../store/types';

type MailKind = 'verification' | 'invitation' | 'reminder';

interface MailLinks {
  /** `PUBLIC_URL`: the app's address in links. */
  publicUrl: string;
}

/** What composing mail inside a transaction needs. */
export interface MailContext {
  links: MailLinks;
  /**
   * The invite link's token for a reference and address: derived, not random,
   * so a reminder carries the same working link as the invitation (only its
   * hash is stored).
   */
  inviteToken(referenceId: string, email: string): string;
}

function link(base: string, path: string, token: string): string {
  return `${base.replace(/\/+$/, '')}${path}?token=${encodeURIComponent(token)}`;
}

function mail(kind: MailKind, to: string, subject: string, lines: string[], now: number): NewMail {
  return { id: randomUUID(), kind, toAddress: to, subject, textBody: `${lines.join('\n')}\n`, createdAt: now };
}

/** The candidate's note as a quote: every line marked, so it cannot pass for our own words. */
function quote(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed) return ['> (no message)'];
  return trimmed.split(/\r?\n/).map((line) => `> ${line}`);
}

export function verificationMail(links: MailLinks, to: string, code: string, linkToken: string, now: number): NewMail {
  return mail(
    'verification',
    to,
    'Your AiDeepRef verification code',
    [
      'Your verification code is:',
      '',
      code,
      '',
      'Enter it in AiDeepRef within 30 minutes, or open this link:',
      link(links.publicUrl, '/verify', linkToken),
      '',
      'If you did not create an AiDeepRef account, you can ignore this message.',
    ],
    now,
  );
}

interface InvitationFacts {
  to: string;
  refereeName: string;
  candidateName: string;
  candidateEmail: string;
  message: string;
  inviteToken: string;
}

/** The referee's message: the first invitation, or a reminder of it (same facts, same link). */
function requestMail(kind: 'invitation' | 'reminder', links: MailLinks, facts: InvitationFacts, now: number): NewMail {
  const who = `${facts.candidateName} (${facts.candidateEmail})`;
  return mail(
    kind,
    facts.to,
    kind === 'invitation' ? `${facts.candidateName} asks you for a reference` : `Reminder: ${facts.candidateName} is waiting for your reference`,
    [
      `Hello ${facts.refereeName},`,
      '',
      kind === 'invitation'
        ? `${who} asks you for a reference on AiDeepRef. Their message:`
        : `${who} is still waiting for your reference on AiDeepRef. Their message:`,
      '',
      ...quote(facts.message),
      '',
      'To write the reference or decline, open this link and sign up or sign in with this email address:',
      link(links.publicUrl, '/invite', facts.inviteToken),
    ],
    now,
  );
}

export const invitationMail = (links: MailLinks, facts: InvitationFacts, now: number) => requestMail('invitation', links, facts, now);
export const reminderMail = (links: MailLinks, facts: InvitationFacts, now: number) => requestMail('reminder', links, facts, now);
