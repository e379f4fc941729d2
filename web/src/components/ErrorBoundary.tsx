import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { t } from '../i18n.ts';

/** A page that throws while rendering shows a message instead of a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state: { error: Error | null; key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error) {
    console.error('page failed to render', error);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={t('web.app.renderFailed')}
        subTitle={this.state.error.message}
        extra={<Button onClick={() => window.location.reload()}>{t('web.common.refresh')}</Button>}
      />
    );
  }
}
