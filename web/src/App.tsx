import { Alert, Button, Result, Spin } from 'antd';
import { Suspense, useEffect } from 'react';
import { t } from './i18n.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { LiveAlertsProvider } from './lib/live.tsx';
import { canOpen, landingPath } from './lib/navigation.ts';
import { matchPath, useRouter } from './lib/router.tsx';
import { useSession } from './lib/session.tsx';
import { ChangePassword } from './pages/ChangePassword.tsx';
import { Login } from './pages/Login.tsx';
import { AVAILABLE, PAGES } from './routes.tsx';

export function App() {
  const { state } = useSession();
  const { location, navigate } = useRouter();

  const me = state.status === 'user' ? state.me : null;
  useEffect(() => {
    if (me && !me.mustChangePassword && (location.path === '/' || location.path === '/login')) navigate(landingPath(me.role, AVAILABLE), true);
  }, [me, location.path, navigate]);

  if (state.status === 'loading') {
    return (
      <div className="ms-center">
        <Spin size="large" tip={t('web.app.loading')}>
          <div style={{ width: 120, height: 60 }} />
        </Spin>
      </div>
    );
  }
  if (state.status === 'anonymous') return <Login expired={state.expired} />;
  if (state.me.mustChangePassword) return <ChangePassword forced />;

  const role = state.me.role;
  let content;
  if (location.path === '/account/password') content = <ChangePassword />;
  else {
    const found = PAGES.map((p) => ({ p, params: matchPath(p.pattern, location.path) })).find((x) => x.params);
    if (!found) {
      content = <Result status="404" title={t('web.app.notFound')} extra={<Button onClick={() => navigate(landingPath(role, AVAILABLE))}>{t('web.app.backHome')}</Button>} />;
    } else if (!canOpen(role, found.p.pattern)) {
      content = <Result status="403" title={t('web.app.forbidden')} extra={<Button onClick={() => navigate(landingPath(role, AVAILABLE))}>{t('web.app.backHome')}</Button>} />;
    } else {
      const Page = found.p.component;
      content = <Page params={found.params!} />;
    }
  }
  return (
    <LiveAlertsProvider>
      <AppLayout>
        <ErrorBoundary resetKey={location.path}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>{content}</Suspense>
        </ErrorBoundary>
      </AppLayout>
    </LiveAlertsProvider>
  );
}

/** Shown by pages when loading failed, with the server's message. */
export function LoadError({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      message={t('web.app.loadFailed', { message: error.message })}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('web.common.refresh')}</Button> : undefined}
      style={{ marginBottom: 12 }}
    />
  );
}
