import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useMe } from '../../lib/session.tsx';
import type { ApplyResult, CaseSettings, TimeSettings } from '../../lib/types.ts';
import { displayTimeZone, setDisplayZone } from '../../lib/format.ts';
import { validValues } from '../../lib/forms.ts';

/** Zones a Chinese public body may use; any IANA name can be set in the workspace file. */
const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'UTC'];

/** 时区: every time people read is shown in it (alert texts, console, CLI, files, reports); stored times stay UTC. */
function TimeZoneCard() {
  const [zone, setZone] = useState(displayTimeZone());
  const { run, busy } = useAction();
  useEffect(() => {
    void api.get<TimeSettings>('/api/time-settings').then((s) => setZone(s.zone), () => undefined);
  }, []);
  const save = async () => {
    const s = await run(() => api.put<TimeSettings>('/api/time-settings', { zone }), t('web.app.saved'));
    if (s) setDisplayZone(s.zone);
  };
  return (
    <Card size="small" title={t('web.workspace.timeZone')} style={{ marginBottom: 12 }}>
      <Space wrap>
        <Select style={{ width: 220 }} value={zone} onChange={setZone} options={[...new Set([zone, ...ZONES])].map((z) => ({ value: z, label: z }))} data-testid="time-zone" />
        <Button type="primary" loading={busy} onClick={() => void save()}>
          {t('web.common.save')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
        {t('web.workspace.timeZoneHint')}
      </Typography.Paragraph>
    </Card>
  );
}

const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
type DeadlineFields = Pick<CaseSettings, 'same_day' | 'general_hours' | 'general_hours_levels' | 'emergency_info_hours' | 'emergency_press_hours'>;

/**
 * 答复时限: the same-working-day rule, the national 48-hour clock for other 政务舆情 and the levels
 * that run it (departments turn it on for themselves on the 部门 page), the emergency clocks.
 */
function DeadlinesCard() {
  const [form] = Form.useForm<DeadlineFields>();
  const [loaded, setLoaded] = useState(false);
  const { run, busy } = useAction();
  useEffect(() => {
    void api.get<CaseSettings>('/api/cases/settings').then((s) => {
      form.setFieldsValue({ same_day: s.same_day, general_hours: s.general_hours, general_hours_levels: s.general_hours_levels, emergency_info_hours: s.emergency_info_hours, emergency_press_hours: s.emergency_press_hours });
      setLoaded(true);
    }, () => undefined);
  }, [form]);
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    await run(() => api.put<CaseSettings>('/api/cases/settings', v), t('web.app.saved'));
  };
  return (
    <Card size="small" title={t('web.workspace.deadlines')} style={{ marginBottom: 12 }} data-testid="deadline-settings">
      <Form form={form} layout="vertical" disabled={!loaded}>
        <Form.Item name="same_day" label={t('web.workspace.sameDay')} valuePropName="checked" extra={t('web.workspace.sameDayHint')}>
          <Switch />
        </Form.Item>
        <Form.Item name="general_hours" label={t('web.workspace.generalHours')} extra={t('web.workspace.generalHoursHint')} rules={[{ required: true, message: t('web.common.required', { field: t('web.workspace.generalHours') }) }]}>
          <InputNumber min={1} max={720} addonAfter={t('web.workspace.hours')} />
        </Form.Item>
        <Form.Item name="general_hours_levels" label={t('web.workspace.generalHoursLevels')} extra={t('web.workspace.generalHoursLevelsHint')}>
          <Checkbox.Group options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} data-testid="general-hours-levels" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="emergency_info_hours" label={t('web.workspace.emergencyInfoHours')} rules={[{ required: true, message: t('web.common.required', { field: t('web.workspace.emergencyInfoHours') }) }]}>
            <InputNumber min={1} max={72} addonAfter={t('web.workspace.hours')} />
          </Form.Item>
          <Form.Item name="emergency_press_hours" label={t('web.workspace.emergencyPressHours')} rules={[{ required: true, message: t('web.common.required', { field: t('web.workspace.emergencyPressHours') }) }]}>
            <InputNumber min={1} max={168} addonAfter={t('web.workspace.hours')} />
          </Form.Item>
        </Space>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="deadline-save">
          {t('web.common.save')}
        </Button>
      </Form>
    </Card>
  );
}

export default function Workspace() {
  const me = useMe();
  const [yaml, setYaml] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const { run, busy } = useAction();
  const exportYaml = async () => {
    const text = await run(() => api.get<string>('/api/workspace'));
    if (typeof text === 'string') setYaml(text);
  };
  const apply = async () => {
    if (!yaml.trim()) return void run(() => Promise.reject(new Error(t('web.workspace.empty'))));
    const r = await run(() => api.post<ApplyResult>('/api/workspace/apply', { yaml }), t('web.workspace.applied'));
    if (r !== undefined) setResult(JSON.stringify(r, null, 2));
  };
  return (
    <div className="ms-page">
      <PageTitle title={t('web.workspace.title')} intro={t('web.workspace.intro')} />
      {(me.role === 'admin' || me.role === 'office') && <TimeZoneCard />}
      {(me.role === 'admin' || me.role === 'office') && <DeadlinesCard />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} onClick={() => void exportYaml()} loading={busy}>
          {t('web.workspace.export')}
        </Button>
        <Upload
          accept=".yaml,.yml,text/yaml"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then(setYaml);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('web.workspace.loadFile')}</Button>
        </Upload>
        {me.role === 'admin' ? (
          <Popconfirm title={t('web.workspace.applyConfirm')} onConfirm={() => void apply()}>
            <Button type="primary" loading={busy}>
              {t('web.workspace.apply')}
            </Button>
          </Popconfirm>
        ) : (
          <Alert type="info" showIcon message={t('web.workspace.adminOnly')} />
        )}
      </Space>
      <Input.TextArea value={yaml} onChange={(e) => setYaml(e.target.value)} autoSize={{ minRows: 16, maxRows: 40 }} style={{ fontFamily: 'monospace' }} aria-label={t('web.workspace.yaml')} spellCheck={false} />
      {result && <pre className="ms-json" style={{ marginTop: 12 }}>{result}</pre>}
    </div>
  );
}
