import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Popconfirm, Select, Space, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useMe } from '../../lib/session.tsx';
import type { ApplyResult, TimeSettings } from '../../lib/types.ts';
import { displayTimeZone, setDisplayZone } from '../../lib/format.ts';

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
