import { App } from 'antd';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { t, tk } from '../i18n.ts';
import { api } from './api.ts';
import type { AlertRow, LiveAlert } from './types.ts';

export type { LiveAlert };

/**
 * The live in-app alert stream (GET /api/alerts/stream, server-sent events). One connection per
 * console tab; pages subscribe to refresh themselves, and a notification pops up for each new
 * alert. EventSource reconnects by itself and resumes from the last event id.
 */
interface LiveApi {
  connected: boolean;
  unread: number;
  subscribe(fn: (a: LiveAlert) => void): () => void;
  markAllRead(): Promise<void>;
}

const LiveContext = createContext<LiveApi | null>(null);

export function LiveAlertsProvider({ children }: { children: ReactNode }) {
  const { notification } = App.useApp();
  const [connected, setConnected] = useState(false);
  const [unread, setUnread] = useState(0);
  const subscribers = useRef(new Set<(a: LiveAlert) => void>());

  const refreshUnread = useCallback(() => {
    api
      .get<AlertRow[]>('/api/alerts/unread')
      .then((rows) => setUnread(rows.length))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    refreshUnread();
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/alerts/stream');
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('alert', (e) => {
      let a: LiveAlert;
      try {
        a = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return;
      }
      setUnread((n) => n + a.alertIds.length);
      // On a phone a notice that stays covers the page (a leader reading a memo): one at a time, at the top, and it goes away.
      const phone = window.matchMedia('(max-width: 767px)').matches;
      notification.open({
        message: `${t('web.alerts.newAlert')} · ${tk('web.level', a.level)}`,
        description: a.title,
        placement: phone ? 'top' : 'bottomRight',
        duration: phone ? 6 : a.level === 'red' || a.level === 'orange' ? 0 : 8,
        ...(phone ? { key: 'live-alert' } : {}),
        type: a.level === 'red' || a.level === 'orange' ? 'error' : 'warning',
      });
      for (const fn of subscribers.current) fn(a);
    });
    return () => es.close();
  }, [notification, refreshUnread]);

  const subscribe = useCallback((fn: (a: LiveAlert) => void) => {
    subscribers.current.add(fn);
    return () => {
      subscribers.current.delete(fn);
    };
  }, []);
  const markAllRead = useCallback(async () => {
    await api.post('/api/alerts/read', {});
    setUnread(0);
  }, []);

  return <LiveContext.Provider value={{ connected, unread, subscribe, markAllRead }}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveApi {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside LiveAlertsProvider');
  return ctx;
}

/** Calls `fn` whenever a new alert arrives (pages use it to reload their data). */
export function useOnLiveAlert(fn: (a: LiveAlert) => void): void {
  const { subscribe } = useLive();
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => subscribe((a) => ref.current(a)), [subscribe]);
}
