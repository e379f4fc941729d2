import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setCsrfToken } from './api.ts';
import type { Me } from './types.ts';
import { setDisplayZone } from './format.ts';

export type { Me };

type State = { status: 'loading' } | { status: 'anonymous'; expired?: boolean } | { status: 'user'; me: Me };

interface SessionApi {
  state: State;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const accept = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setDisplayZone(me.config.timeZone);
    setState({ status: 'user', me });
    return me;
  }, []);

  const refresh = useCallback(async () => {
    try {
      accept(await api.get<Me>('/api/auth/me', undefined, { quiet401: true }));
    } catch {
      setCsrfToken('');
      setState({ status: 'anonymous' });
    }
  }, [accept]);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => {
      setCsrfToken('');
      setState((s) => (s.status === 'user' ? { status: 'anonymous', expired: true } : s));
    });
  }, [refresh]);

  const login = useCallback(async (username: string, password: string) => accept(await api.post<Me>('/api/auth/login', { username, password }, { quiet401: true })), [accept]);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout', undefined, { quiet401: true });
    } finally {
      setCsrfToken('');
      setState({ status: 'anonymous' });
    }
  }, []);

  return <SessionContext.Provider value={{ state, login, logout, refresh }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The logged-in user; only used inside pages that are shown after login. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'user') throw new Error('useMe without a user');
  return state.me;
}
