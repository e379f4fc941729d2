import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { t } from '../i18n.ts';

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  error: Error | null;
  reload: () => void;
  setData: (d: T) => void;
}

/** Loads data when `deps` change; the newest request wins, errors are kept for the page to show. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    loadRef
      .current(ctrl.signal)
      .then((d) => {
        if (!ctrl.signal.aborted) {
          setData(d);
          setError(null);
        }
      })
      .catch((err: Error) => {
        if (!ctrl.signal.aborted && err.name !== 'AbortError') setError(err);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, loading, error, reload, setData };
}

/** Runs a user action, shows the server's message on failure and an optional success note. */
export function useAction() {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(fn: () => Promise<T>, success?: string): Promise<T | undefined> => {
      setBusy(true);
      try {
        const result = await fn();
        if (success) void message.success(success);
        return result;
      } catch (err) {
        void message.error((err as Error).message || t('web.app.networkError'));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [message],
  );
  return { run, busy };
}
