import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { t } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { useRouter } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';

const MIN_LENGTH = 8;

/** Changing one's password; `forced` is the first-run page the generated-password admin must pass. */
export function ChangePassword({ forced = false }: { forced?: boolean }) {
  const { refresh, logout } = useSession();
  const { navigate } = useRouter();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { current: string; next: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/auth/password', { current: v.current, next: v.next });
      void message.success(t('web.password.done'));
      await refresh();
      navigate('/', true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const card = (
    <Card title={t('web.password.title')} className="ms-login" style={{ maxWidth: 420 }}>
      {forced && <Alert type="warning" showIcon message={t('web.password.firstRun')} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="current" label={t('web.password.current')} rules={[{ required: true, message: t('web.common.required', { field: t('web.password.current') }) }]}>
          <Input.Password autoComplete="current-password" id="pw-current" />
        </Form.Item>
        <Form.Item
          name="next"
          label={t('web.password.next')}
          rules={[
            { required: true, message: t('web.common.required', { field: t('web.password.next') }) },
            { min: MIN_LENGTH, message: t('web.password.tooShort', { min: MIN_LENGTH }) },
            ({ getFieldValue }) => ({
              validator: (_, value) => (value && value === getFieldValue('current') ? Promise.reject(new Error(t('web.password.sameAsOld'))) : Promise.resolve()),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" id="pw-next" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('web.password.repeat')}
          dependencies={['next']}
          rules={[
            { required: true, message: t('web.common.required', { field: t('web.password.repeat') }) },
            ({ getFieldValue }) => ({
              validator: (_, value) => (!value || value === getFieldValue('next') ? Promise.resolve() : Promise.reject(new Error(t('web.password.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" id="pw-repeat" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="password-submit">
          {t('web.password.submit')}
        </Button>
        {forced && (
          <Button type="link" block onClick={() => void logout()} style={{ marginTop: 8 }}>
            {t('web.layout.logout')}
          </Button>
        )}
      </Form>
    </Card>
  );
  return forced ? <div className="ms-center">{card}</div> : <div className="ms-page">{card}</div>;
}
