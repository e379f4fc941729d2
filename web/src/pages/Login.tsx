import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { t } from '../i18n.ts';
import { useSession } from '../lib/session.tsx';

export function Login({ expired }: { expired?: boolean }) {
  const { login } = useSession();
  const [error, setError] = useState<string | null>(expired ? t('web.app.sessionExpired') : null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ms-center" style={{ background: 'linear-gradient(160deg,#7f0000,#b71c1c 45%,#f5f5f5 45%)' }}>
      <Card className="ms-login">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('web.app.name')} <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400 }}>{t('web.app.subtitle')}</Typography.Text>
        </Typography.Title>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t('web.login.username')} rules={[{ required: true, message: t('web.login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus id="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('web.login.password')} rules={[{ required: true, message: t('web.login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" id="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('web.login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('web.login.hint')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
