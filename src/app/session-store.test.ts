import { describe, expect, it, vi } from 'vitest';
import type { AppClient, AuthApi, Session } from '../web/app-client';
import { createSessionStore } from './session-store';

const ana: Session = { token: 't1', user: { id: 'u1', email: 'ana@example.com', name: 'Ana', email_verified: true } };

function fakeClient(session: Session): AppClient {
  return { session, renewSession: vi.fn() } as unknown as AppClient;
}

function fakeAuth(overrides: Partial<AuthApi> = {}): AuthApi {
  return {
    signUp: vi.fn(async () => ana),
    signIn: vi.fn(async () => ana),
    restore: vi.fn(() => null),
    signOut: vi.fn(async () => {}),
    verifyEmail: vi.fn(async (session: Session) => ({ ...session, user: { ...session.user, email_verified: true } })),
    sendNewCode: vi.fn(async () => {}),
    refresh: vi.fn(async (session: Session) => session),
    flushSignOuts: vi.fn(async () => {}),
    ...overrides,
  };
}

/** The store's deps over one AuthApi; `stored` says whether the device keeps a session. */
function deps(auth: AuthApi, stored = true, createClient: (session: Session) => AppClient = fakeClient) {
  const loadAuth = vi.fn(async () => auth);
  return { loadAuth, hasStoredSession: () => stored, createClient };
}

describe('createSessionStore', () => {
  it('starts, then is signed out when nothing is stored, without loading AuthApi', async () => {
    const d = deps(fakeAuth(), false);
    const store = createSessionStore(d);
    expect(store.getSnapshot()).toEqual({ phase: 'starting' });
    await store.restore();
    expect(store.getSnapshot()).toEqual({ phase: 'signed-out' });
    expect(d.loadAuth).not.toHaveBeenCalled();
  });

  it('is signed out when the stored session cannot be read', async () => {
    const store = createSessionStore(deps(fakeAuth(), true));
    await store.restore();
    expect(store.getSnapshot()).toEqual({ phase: 'signed-out' });
  });

  it('clears what the app keeps beside the data on sign-out', async () => {
    const onSignedOut = vi.fn();
    const store = createSessionStore({ ...deps(fakeAuth({ restore: () => ana })), onSignedOut });
    await store.restore();
    await store.signOut();
    expect(onSignedOut).toHaveBeenCalledWith('u1');
  });

  it('opens the stored session without the network', async () => {
    const createClient = vi.fn(fakeClient);
    const store = createSessionStore(deps(fakeAuth({ restore: () => ana }), true, createClient));
    await store.restore();
    expect(createClient).toHaveBeenCalledWith(ana, { signedIn: false });
    expect(store.getSnapshot().phase).toBe('signed-in');
  });

  it('tells the client it opens after a sign-in or sign-up that the device most likely holds none of the data', async () => {
    const createClient = vi.fn(fakeClient);
    const store = createSessionStore(deps(fakeAuth(), false, createClient));
    await store.restore();
    await store.signIn({ email: 'ana@example.com', password: 'long enough' });
    expect(createClient).toHaveBeenLastCalledWith(expect.anything(), { signedIn: true });
    await store.signOut();
    await store.signUp({ email: 'ana@example.com', name: 'Ana', password: 'long enough' });
    expect(createClient).toHaveBeenLastCalledWith(expect.anything(), { signedIn: true });
  });

  it('asks whether another device verified the email when it opens a kept unverified session, not right after a sign-in', async () => {
    const unverified: Session = { ...ana, user: { ...ana.user, email_verified: false } };
    const verified: Session = { ...unverified, user: { ...unverified.user, email_verified: true } };
    const kept = fakeAuth({ restore: () => unverified, refresh: vi.fn(async () => verified) });
    const store = createSessionStore(deps(kept, true));
    await store.restore();
    await vi.waitFor(() => expect(kept.refresh).toHaveBeenCalledTimes(1));
    const client = (store.getSnapshot() as { client: AppClient }).client;
    await vi.waitFor(() => expect(client.renewSession).toHaveBeenCalledWith(verified));

    const fresh = fakeAuth({ signIn: vi.fn(async () => unverified) });
    const signingIn = createSessionStore(deps(fresh, false));
    await signingIn.restore();
    await signingIn.signIn({ email: 'ana@example.com', password: 'long enough' });
    await new Promise((r) => setTimeout(r, 0));
    expect(fresh.refresh).not.toHaveBeenCalled();
    expect(signingIn.getSnapshot().phase).toBe('signed-in');
  });

  it('stays signed out when signing in fails, and notifies subscribers of each change', async () => {
    const auth = fakeAuth({ signIn: vi.fn(async () => Promise.reject(new Error('Wrong password'))) });
    const store = createSessionStore(deps(auth, false));
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().phase));
    await store.restore();
    await expect(store.signIn({ email: 'ana@example.com', password: 'nope-nope' })).rejects.toThrow('Wrong password');
    await store.signUp({ email: 'ana@example.com', name: 'Ana', password: 'long enough' });
    await store.signOut();
    expect(seen).toEqual(['signed-out', 'signed-in', 'signed-out']);
  });

  it('signs out through AuthApi with the open client', async () => {
    const auth = fakeAuth({ restore: () => ana });
    const store = createSessionStore(deps(auth));
    await store.restore();
    const snapshot = store.getSnapshot();
    await store.signOut();
    expect(auth.signOut).toHaveBeenCalledWith(snapshot.phase === 'signed-in' ? snapshot.client : 'missing', {});
    await store.restore();
    await store.signOut({ everywhere: true });
    expect(auth.signOut).toHaveBeenLastCalledWith(expect.anything(), { everywhere: true });
  });

  it('renews the token of the same user only', async () => {
    const bob: Session = { token: 't2', user: { id: 'u2', email: 'bob@example.com', name: 'Bob', email_verified: true } };
    const renewed: Session = { ...ana, token: 't3' };
    const signIn = vi.fn<AuthApi['signIn']>().mockResolvedValueOnce(renewed).mockResolvedValueOnce(bob);
    const store = createSessionStore(deps(fakeAuth({ restore: () => ana, signIn })));
    await store.restore();
    const snapshot = store.getSnapshot();
    if (snapshot.phase !== 'signed-in') throw new Error('expected signed in');

    await store.renew({ email: 'ana@example.com', password: 'long enough' });
    expect(snapshot.client.renewSession).toHaveBeenCalledWith(renewed);
    await expect(store.renew({ email: 'bob@example.com', password: 'long enough' })).rejects.toThrow('Sign in as ana@example.com');
    expect(snapshot.client.renewSession).toHaveBeenCalledTimes(1);
  });
});
