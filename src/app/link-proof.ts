/**
 * Links the server mails (CONTRACT §3): `/verify?token=…` proves the email of
 * whoever signs in; `/invite?token=…` proves the invited address for whoever
 * signs up or in with it. The token waits on the device (session storage:
 * this tab, until it is used) while the person signs in, so following a link
 * before having an account works.
 */

export interface PendingProof {
  kind: 'verify' | 'invite';
  token: string;
}

const KEY = 'aideepref.pending-proof';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Takes a link's token out of the address bar (it is a credential) and keeps it for after sign-in. */
export function captureLinkProof(location: Location, history: History): void {
  const kind = location.pathname === '/verify' ? 'verify' : location.pathname === '/invite' ? 'invite' : null;
  const token = kind ? new URLSearchParams(location.search).get('token') : null;
  if (!kind) return;
  if (token) storage()?.setItem(KEY, JSON.stringify({ kind, token } satisfies PendingProof));
  history.replaceState(null, '', '/');
}

export const linkProofs = {
  peek(): PendingProof | null {
    try {
      const value = JSON.parse(storage()?.getItem(KEY) ?? 'null') as PendingProof | null;
      return value && (value.kind === 'verify' || value.kind === 'invite') && typeof value.token === 'string' ? value : null;
    } catch {
      return null;
    }
  },
  clear(): void {
    storage()?.removeItem(KEY);
  },
};
