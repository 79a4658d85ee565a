/**
 * The staff session of the console: read from `/v1/staff/session` (the cookie is http-only),
 * begun by the sign-in form, ended by sign-out. Pages render only inside a live session.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { fetchStaffSession, signIn, signOut, type StaffState } from './soc-api';

export type StaffView =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | ({ readonly status: 'ready' } & StaffState);

interface StaffContextValue {
  readonly view: StaffView;
  readonly signIn: (token: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
  /** A route refused the session (it ended): read it again to show why. */
  readonly recheck: () => void;
}

const StaffContext = createContext<StaffContextValue | undefined>(undefined);

export function StaffSessionProvider({ children }: { readonly children: ReactNode }) {
  const [view, setView] = useState<StaffView>({ status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    fetchStaffSession(controller.signal).then(
      (state) => setView({ status: 'ready', ...state }),
      (error: unknown) => {
        if (!controller.signal.aborted) setView({ status: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [round]);
  const begin = useCallback(async (token: string) => {
    const state = await signIn(token);
    setView({ status: 'ready', ...state });
  }, []);
  const end = useCallback(async () => {
    await signOut();
    setView({ status: 'ready', signedIn: false });
  }, []);
  const recheck = useCallback(() => setRound((n) => n + 1), []);
  return (
    <StaffContext.Provider value={{ view, signIn: begin, signOut: end, recheck }}>
      {children}
    </StaffContext.Provider>
  );
}

export function useStaff(): StaffContextValue {
  const value = useContext(StaffContext);
  if (!value) throw new Error('useStaff outside StaffSessionProvider');
  return value;
}
