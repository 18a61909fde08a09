/**
 * Who is signed in on this device and their AppClient, as a subscribable
 * store. The React tree only reads it; sign-in, sign-up and sign-out go
 * through AuthApi and createAppClient, the data layer's own entry points.
 *
 *   starting ──restore()──▶ signed-out ◀──signOut()── signed-in
 *                   └───────────────▶ signed-in ◀──signIn()/signUp()──┘
 */
import type { AppClient, AuthApi, Session, SignInInput, SignUpInput, Store } from '../web/app-client';

export type SessionSnapshot =
  | { phase: 'starting' }
  | { phase: 'signed-out' }
  | { phase: 'signed-in'; client: AppClient };

export interface SessionStore extends Store<SessionSnapshot> {
  /** Opens the session kept on this device, if any (works offline). */
  restore(): Promise<void>;
  signIn(input: SignInInput): Promise<void>;
  signUp(input: SignUpInput): Promise<void>;
  signOut(): Promise<void>;
  /** Signs the same user in again after the server refused the token; local data stays. */
  renew(input: SignInInput): Promise<void>;
}

export interface SessionDeps {
  /**
   * AuthApi, loaded when first needed: the data layer behind it is most of
   * the app's JS, and a signed-out first page does without it.
   */
  loadAuth(): Promise<AuthApi>;
  /** Whether this device keeps a session (cheap, synchronous): without one, nothing is loaded to find out. */
  hasStoredSession(): boolean;
  createClient(session: Session): AppClient | Promise<AppClient>;
  /** Signing this user out of the device: what the app keeps beside the data goes too (drafts). */
  onSignedOut?(userId: string): void;
}

export function createSessionStore({ loadAuth, hasStoredSession, createClient, onSignedOut }: SessionDeps): SessionStore {
  let snapshot: SessionSnapshot = { phase: 'starting' };
  const listeners = new Set<() => void>();

  function set(next: SessionSnapshot): void {
    snapshot = next;
    for (const listener of listeners) listener();
  }

  async function open(session: Session): Promise<void> {
    set({ phase: 'signed-in', client: await createClient(session) });
  }

  return {
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
        if (session) await open(session);
        else set({ phase: 'signed-out' });
      } catch (error) {
        // A damaged stored session must not leave the app on its loading screen.
        set({ phase: 'signed-out' });
        throw error;
      }
    },
    async signIn(input) {
      await open(await (await loadAuth()).signIn(input));
    },
    async signUp(input) {
      await open(await (await loadAuth()).signUp(input));
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
    async signOut() {
      const client = snapshot.phase === 'signed-in' ? snapshot.client : null;
      const auth = await loadAuth();
      // Before the wait: AuthApi forgets the session at once, and a page closed during the
      // rest of it (closing the database, deleting it) must not leave the drafts behind.
      if (client) onSignedOut?.(client.session.user.id);
      await auth.signOut(client);
      set({ phase: 'signed-out' });
    },
  };
}
