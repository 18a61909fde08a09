/**
 * Reads the mail a server wrote as `.eml` files (its default transport),
 * parsed with mailparser as a mail client would, so tests see what a person
 * would: recipient, subject, text, links and the verification code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  file: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  messageId: string;
  /** The raw message as written. */
  raw: string;
}

function address(field: unknown): string {
  const value = Array.isArray(field) ? field[0] : field;
  return ((value as { value?: { address?: string }[] } | undefined)?.value?.[0]?.address ?? '').toLowerCase();
}

export async function readMailbox(dir: string): Promise<ReceivedMail[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.eml') && !n.startsWith('.')).sort();
  } catch {
    return [];
  }
  const out: ReceivedMail[] = [];
  for (const name of names) {
    const raw = readFileSync(join(dir, name), 'utf8');
    const parsed = await simpleParser(raw);
    out.push({
      file: name,
      to: address(parsed.to),
      from: address(parsed.from),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      messageId: parsed.messageId ?? '',
      raw,
    });
  }
  return out;
}

/** Waits for mail matching `match` (recipient compared case-insensitively). */
export async function waitForMail(
  dir: string,
  match: { to?: string; subject?: RegExp; kind?: 'verification' | 'invitation' | 'reminder'; count?: number },
  timeoutMs = 15_000,
): Promise<ReceivedMail[]> {
  const subject =
    match.subject ??
    (match.kind === 'verification' ? /verification code/ : match.kind === 'invitation' ? /asks you for a reference/ : match.kind === 'reminder' ? /^Reminder/ : /.*/);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readMailbox(dir)).filter((m) => (!match.to || m.to === match.to.toLowerCase()) && subject.test(m.subject));
    if (found.length >= (match.count ?? 1)) return found;
    if (Date.now() > deadline) throw new Error(`no mail ${JSON.stringify({ ...match, subject: String(subject) })} in ${dir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The six-digit code alone on its line (CONTRACT §1). */
export function codeIn(text: string): string {
  const code = /^(\d{6})$/m.exec(text)?.[1];
  if (!code) throw new Error(`no code in:\n${text}`);
  return code;
}

/** The token of the first link to `path` (`/verify`, `/invite`). */
export function linkTokenIn(text: string, path: '/verify' | '/invite'): string {
  const url = text.split(/\s+/).find((word) => word.includes(`${path}?token=`));
  if (!url) throw new Error(`no ${path} link in:\n${text}`);
  const token = new URL(url).searchParams.get('token');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}
