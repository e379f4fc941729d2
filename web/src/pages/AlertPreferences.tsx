import { SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Modal, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { displayTimeZone } from '../lib/format.ts';
import { useAction } from '../lib/hooks.ts';
import type { AlertPreferencesPatch, MyAlertPreferences } from '../lib/types.ts';
import { validValues } from '../lib/forms.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
const TIMES = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);

/** 接收设置: what I receive at once, in my digest and when, within what the office allows (GET/PUT /api/alerts/preferences). */
export function AlertPreferencesButton() {
  const [prefs, setPrefs] = useState<MyAlertPreferences | null>(null);
  const [form] = Form.useForm();
  const { run, busy } = useAction();
  const open = async () => {
    const p = await run(() => api.get<MyAlertPreferences>('/api/alerts/preferences'));
    if (!p) return;
    setPrefs(p);
    form.setFieldsValue({ nowLevel: p.effective.nowLevel, digest: p.effective.digest, digestTimes: p.effective.digestTimes, email: p.effective.email });
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body: AlertPreferencesPatch = { nowLevel: v.nowLevel, digest: v.digest, digestTimes: v.digestTimes?.length ? [...v.digestTimes].sort() : null, email: v.email };
    const next = await run(() => api.put<MyAlertPreferences>('/api/alerts/preferences', body), t('web.app.saved'));
    if (next) setPrefs(null);
  };
  const max = prefs ? LEVELS.indexOf(prefs.maxNowLevel) : 3;
  return (
    <>
      <Button icon={<SettingOutlined />} onClick={() => void open()} data-testid="alert-preferences">
        {t('web.alertPrefs.button')}
      </Button>
      <Modal open={prefs !== null} title={t('web.alertPrefs.title')} onCancel={() => setPrefs(null)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        {prefs?.systemOnly ? (
          <Alert type="info" message={t('web.alertPrefs.systemOnly')} />
        ) : (
          <Form form={form} layout="vertical">
            <Form.Item name="nowLevel" label={t('web.alertPrefs.nowLevel')} extra={t('web.alertPrefs.nowLevelHint', { level: tk('web.level', prefs?.defaults.nowLevel ?? 'blue'), max: tk('web.level', prefs?.maxNowLevel ?? 'orange') })}>
              <Select style={{ width: 160 }} options={LEVELS.map((l, i) => ({ value: l, label: tk('web.level', l), disabled: i > max }))} />
            </Form.Item>
            <Form.Item name="digest" label={t('web.alertPrefs.digest')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="digestTimes" label={t('web.alertPrefs.digestTimes', { zone: displayTimeZone() })} extra={t('web.alertPrefs.digestTimesHint', { times: prefs?.defaults.digestTimes.join('、') ?? '' })}>
              <Select mode="multiple" maxCount={8} style={{ width: '100%' }} options={TIMES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="email" label={t('web.alertPrefs.email')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('web.alertPrefs.redAlways')}
            </Typography.Text>
          </Form>
        )}
      </Modal>
    </>
  );
}
