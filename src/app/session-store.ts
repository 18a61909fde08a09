/**
 * Who is signed in on this device and their AppClient, as a subscribable
 * store. The React tree only reads it; sign-in, sign-up and sign-out go
 * through AuthApi and createAppClient, the data layer's own entry points.
 *
 *   starting ──restore()──▶ signed-out ◀──signOut()── signed-in
 *                   └───────────────▶ signed-in ◀──signIn()/signUp()──┘
 */
import type { AppClient, AuthApi, EmailProof, Session, SignInInput, SignOutOptions, SignUpInput, Store } from '../web/app-client';
import type { PendingProof } from './link-proof';

type SessionSnapshot =
  | { phase: 'starting' }
  | { phase: 'signed-out' }
  | { phase: 'signed-in'; client: AppClient };

export interface SessionStore extends Store<SessionSnapshot> {
  /** Opens the session kept on this device, if any (works offline). */
  restore(): Promise<void>;
  signIn(input: SignInInput): Promise<void>;
  signUp(input: SignUpInput): Promise<void>;
  /** Ends the session (with `everywhere`, all of the user's) and wipes the device's data. */
  signOut(options?: SignOutOptions): Promise<void>;
  /** Signs the same user in again after the server refused the token; local data stays. */
  renew(input: SignInInput): Promise<void>;
  /** Proves the signed-in user's email; what is addressed to it syncs in at once. */
  verifyEmail(proof: EmailProof): Promise<void>;
  sendNewCode(): Promise<void>;
  /** A link the user followed (`/verify`, `/invite`) that waits for them to be signed in, if any. */
  readonly pendingProof: PendingProof | null;
  /** What applying a followed link said (null: nothing to say). */
  readonly linkOutcome: { ok: boolean; message: string } | null;
}

interface SessionDeps {
  /**
   * AuthApi, loaded when first needed: the data layer behind it is most of
   * the app's JS, and a signed-out first page does without it.
   */
  loadAuth(): Promise<AuthApi>;
  /** Whether this device keeps a session (cheap, synchronous): without one, nothing is loaded to find out. */
  hasStoredSession(): boolean;
  /** `signedIn`: the user just signed in or up here (not a session this device kept), so the device most likely holds none of their data. */
  createClient(session: Session, opening: { signedIn: boolean }): AppClient | Promise<AppClient>;
  /** Signing this user out of the device: what the app keeps beside the data goes too (drafts). */
  onSignedOut?(userId: string): void;
  /** Where a followed link's token waits until the user is signed in. */
  proofs?: { peek(): PendingProof | null; clear(): void };
}

export function createSessionStore({ loadAuth, hasStoredSession, createClient, onSignedOut, proofs }: SessionDeps): SessionStore {
  let snapshot: SessionSnapshot = { phase: 'starting' };
  let linkOutcome: SessionStore['linkOutcome'] = null;
  const listeners = new Set<() => void>();

  function set(next: SessionSnapshot): void {
    snapshot = next;
    for (const listener of listeners) listener();
  }

  /** The verified (or refreshed) session goes to the client, and the screens render it. */
  function adopt(client: AppClient, next: Session): void {
    if (next.user.email_verified === client.session.user.email_verified && next.token === client.session.token) return;
    client.renewSession(next);
    set({ phase: 'signed-in', client });
  }

  async function verifyWith(client: AppClient, proof: EmailProof): Promise<void> {
    adopt(client, await (await loadAuth()).verifyEmail(client.session, proof));
  }

  /**
   * After opening: a followed link proves the email; otherwise a kept session asks whether
   * another device did. A session just signed in or up does not: its answer said so already,
   * and the request would queue beside the first sync's pages.
   */
  async function settleVerification(client: AppClient, signedIn: boolean): Promise<void> {
    const pending = proofs?.peek() ?? null;
    if (pending) {
      try {
        await verifyWith(client, { token: pending.token });
        linkOutcome = { ok: true, message: 'Your email is verified.' };
        proofs?.clear();
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Offline: the link keeps waiting and is tried at the next start.
        if (code === 'network') return;
        proofs?.clear();
        linkOutcome = {
          ok: false,
          message:
            pending.kind === 'invite'
              ? `That invitation was sent to another address than ${client.session.user.email}. Sign in with the invited address, or verify this one with the code we mailed you.`
              : 'That link does not verify this account (it may have expired). Use the code we mailed you, or send a new one.',
        };
      }
      set({ phase: 'signed-in', client });
      return;
    }
    if (client.session.user.email_verified || signedIn) return;
    try {
      adopt(client, await (await loadAuth()).refresh(client.session));
    } catch {
      // Offline or the session ended: the notice stays, and nothing else depends on it.
    }
  }

  async function open(session: Session, signedIn: boolean): Promise<void> {
    const client = await createClient(session, { signedIn });
    set({ phase: 'signed-in', client });
    void settleVerification(client, signedIn);
  }

  return {
    get pendingProof() {
      return proofs?.peek() ?? null;
    },
    get linkOutcome() {
      return linkOutcome;
    },
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async restore() {
      try {
        if (!hasStoredSession()) {
          set({ phase: 'signed-out' });
          return;
        }
        const session = (await loadAuth()).restore();
        if (session) await open(session, false);
        else set({ phase: 'signed-out' });
      } catch (error) {
        // A damaged stored session must not leave the app on its loading screen.
        set({ phase: 'signed-out' });
        throw error;
      }
    },
    async signIn(input) {
      await open(await (await loadAuth()).signIn(input), true);
    },
    async signUp(input) {
      await open(await (await loadAuth()).signUp(input), true);
    },
    async renew(input) {
      if (snapshot.phase !== 'signed-in') throw new Error('Not signed in.');
      const { client } = snapshot;
      const session = await (await loadAuth()).signIn(input);
      // The local data belongs to the signed-in user: another account must sign out first.
      if (session.user.id !== client.session.user.id) {
        throw new Error(`Sign in as ${client.session.user.email}, or sign out to switch accounts.`);
      }
      client.renewSession(session);
    },
    async signOut(options = {}) {
      const client = snapshot.phase === 'signed-in' ? snapshot.client : null;
      const auth = await loadAuth();
      // Before the wait: AuthApi forgets the session at once, and a page closed during the
      // rest of it (closing the database, deleting it) must not leave the drafts behind.
      if (client) onSignedOut?.(client.session.user.id);
      await auth.signOut(client, options);
      linkOutcome = null;
      set({ phase: 'signed-out' });
    },
    async verifyEmail(proof) {
      if (snapshot.phase !== 'signed-in') throw new Error('Not signed in.');
      await verifyWith(snapshot.client, proof);
    },
    async sendNewCode() {
      if (snapshot.phase !== 'signed-in') throw new Error('Not signed in.');
      await (await loadAuth()).sendNewCode(snapshot.client.session);
    },
  };
}
