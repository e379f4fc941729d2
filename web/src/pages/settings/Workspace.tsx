import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Popconfirm, Space, Upload } from 'antd';
import { useState } from 'react';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useMe } from '../../lib/session.tsx';
import type { ApplyResult } from '../../lib/types.ts';

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
