/**
 * The citizen session for every page: read from `/v1/portal/session` at start (the cookie itself
 * is http-only), its CSRF token handed to the API client, and sign-out. Pages of the citizen
 * portal show a sign-in button when there is no session.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import {
  fetchSession,
  type SessionState,
  setCsrfToken,
  signOut as endSession,
} from '../api/citizen-api';

export type SessionView =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | ({ readonly status: 'ready' } & SessionState);

interface SessionContextValue {
  readonly view: SessionView;
  readonly refresh: () => void;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [view, setView] = useState<SessionView>({ status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (state) => {
        setCsrfToken(state.signedIn ? state.session.csrfToken : undefined);
        setView({ status: 'ready', ...state });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setView({ status: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [round]);
  const refresh = useCallback(() => setRound((n) => n + 1), []);
  const signOut = useCallback(async () => {
    await endSession();
    setCsrfToken(undefined);
    setView({ status: 'ready', signedIn: false });
  }, []);
  return (
    <SessionContext.Provider value={{ view, refresh, signOut }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
