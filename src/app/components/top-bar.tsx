import { useRef, useState } from 'react';
import type { AppClient } from '../../web/app-client';
import { useCounts } from '../hooks/use-counts';
import { useRoute } from '../hooks/use-router';
import type { SessionStore } from '../session-store';
import { describeError } from '../validation';
import { Link } from './link';
import { SignOutGuard } from './sign-out-guard';
import { SyncIndicator } from './sync-indicator';

/**
 * The app's frame: where you are (the two views), whether your data has
 * synced, and who is signed in with what they can do about it. The user's
 * actions sit together at the end, with room for more of them.
 */
export function TopBar({ client, sessions }: { client: AppClient; sessions: SessionStore }) {
  const route = useRoute();
  const { session } = client;
  const inbox = useCounts(client, 'inbox');
  const onReferences = route.name === 'references';
  return (
    <header className="topbar">
      <div className="topbar__inner">
        <Link to="/" className="brand">
          AiDeepRef
        </Link>
        <nav className="topbar__nav" aria-label="Views">
          <Link to="/references" className="tab" aria-current={onReferences ? 'page' : undefined}>
            My references
          </Link>
          <Link to="/inbox" className="tab" aria-current={route.name === 'inbox' ? 'page' : undefined}>
            Requests for me
            {inbox && inbox.pending > 0 ? (
              <span className="tab__count">
                {inbox.pending}
                <span className="visually-hidden"> waiting</span>
              </span>
            ) : null}
          </Link>
        </nav>
        <SyncIndicator client={client} />
        <div className="topbar__user">
          <span className="topbar__name">{session.user.name}</span>
          <SignOutButton client={client} sessions={sessions} />
        </div>
      </div>
    </header>
  );
}

function SignOutButton({ client, sessions }: { client: AppClient; sessions: SessionStore }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // With unsynced work, a sign-out asks first (sign-out-guard.tsx).
  const [guarding, setGuarding] = useState<{ everywhere: boolean } | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  function ask(everywhere: boolean, button: HTMLButtonElement) {
    if (client.state.getSnapshot().pendingCount === 0) return void signOut(everywhere);
    opener.current = button;
    setGuarding({ everywhere });
  }
  async function signOut(everywhere: boolean) {
    setBusy(true);
    try {
      await sessions.signOut({ everywhere });
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="button button--small" disabled={busy} onClick={(event) => ask(false, event.currentTarget)}>
        Sign out
      </button>
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        title="Ends your session on every device, this one included"
        onClick={(event) => ask(true, event.currentTarget)}
      >
        Sign out everywhere
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
      {guarding ? (
        <SignOutGuard
          client={client}
          everywhere={guarding.everywhere}
          onSignOut={() => {
            setGuarding(null);
            void signOut(guarding.everywhere);
          }}
          onCancel={() => {
            setGuarding(null);
            opener.current?.focus();
          }}
        />
      ) : null}
    </>
  );
}
