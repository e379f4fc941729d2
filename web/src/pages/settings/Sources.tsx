import { ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, InputNumber, List, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { schemaDefaults, useConfigEditor, type JsonSchema } from '../../components/SchemaForm.tsx';
import { ExternalLink, SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import type { SourceKindInfo, SourceListItem as Source, SourcePreview as Preview } from '../../lib/types.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { SourceWizard, type WizardResult } from './SourceWizard.tsx';
import { validValues } from '../../lib/forms.ts';

const KINDS = ['feed', 'html', 'json', 'push', 'import', 'manual'];
const PULLED = new Set(['feed', 'html', 'json']);
/** The tag colour of each health state (collect/source-health.ts). */
const HEALTH_COLOURS: Record<Source['health']['state'], string | undefined> = {
  ok: 'green',
  new: undefined,
  paused: undefined,
  silent: 'gold',
  login: 'red',
  blocked: 'volcano',
  parse: 'magenta',
  connect: 'red',
  error: 'red',
};

export default function Sources() {
  const list = useLoad((signal) => api.get<Source[]>('/api/sources', undefined, { signal }), []);
  const deps = useDepartments();
  const [editing, setEditing] = useState<Source | 'new' | null>(null);
  const [preview, setPreview] = useState<{ name: string; result: Preview } | null>(null);
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form);
  const highFrequency = Form.useWatch('high_frequency', form) === true;
  const { run, busy } = useAction();

  const kinds = useLoad((signal) => api.get<SourceKindInfo[]>('/api/source-kinds', undefined, { signal }), []);
  const schemaOf = (k: string | undefined) => (kinds.data ?? []).find((x) => x.kind === k)?.schema as JsonSchema | undefined;
  const editor = useConfigEditor(form, schemaOf(kind));
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);

  const [wizard, setWizard] = useState(false);
  const open = (s: Source | 'new', found?: WizardResult) => {
    setEditing(s);
    if (s === 'new') {
      form.setFieldsValue({ name: found?.name ?? '', kind: found?.kind ?? 'feed', url: found?.url ?? '', interval_seconds: 300, high_frequency: false, weight: 1, department_id: null, reference: false });
      editor.load(found?.config ?? schemaDefaults(schemaOf('feed') ?? {}));
    } else {
      form.setFieldsValue({ ...s, config: undefined, high_frequency: s.high_frequency === 1, reference: s.reference === 1 });
      editor.load(s.config);
    }
  };
  const save = async () => {
    const config = editor.read();
    const v = await validValues(form);
    if (!v || !config) return;
    const body = { name: v.name.trim(), kind: v.kind, url: v.url?.trim() || null, config, interval_seconds: v.interval_seconds, high_frequency: PULLED.has(v.kind) && v.high_frequency === true, weight: v.weight, department_id: v.department_id ?? null, reference: v.reference === true };
    setSaving(true);
    try {
      await (editing === 'new' ? api.post('/api/sources', body) : api.patch(`/api/sources/${(editing as Source).id}`, body));
      void message.success(t('web.app.saved'));
      setEditing(null);
      list.reload();
    } catch (err) {
      editor.showServerErrors(err);
      void message.error((err as Error).message);
    } finally {
      setSaving(false);
    }
  };
  // A stored source's secrets come back masked; its id lets the server use the stored values.
  const test = async (name: string, body: { url: string; kind: string; config: Record<string, unknown>; source_id?: number }) => {
    const { preset, ...config } = body.config as { preset?: string };
    const result = await run(() => api.post<Preview>('/api/sources/test', { url: body.url, kind: body.kind, ...(preset ? { preset } : {}), config, ...(body.source_id ? { source_id: body.source_id } : {}) }));
    if (result) setPreview({ name, result });
  };
  const testForm = async () => {
    const config = editor.read();
    const v = await validValues(form);
    if (!v) return;
    if (config && v.url) await test(v.name || '—', { url: v.url.trim(), kind: v.kind, config, ...(editing !== 'new' && editing ? { source_id: editing.id } : {}) });
  };
  const action = async (s: Source, what: 'collect' | 'pause' | 'resume') => {
    const ok = await run(() => (what === 'collect' ? api.post(`/api/sources/${s.id}/collect`) : api.patch(`/api/sources/${s.id}`, { paused: what === 'pause' })), t('web.app.saved'));
    if (ok) list.reload();
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.sources.title')}
        intro={t('web.sources.intro')}
        extra={
          <Space>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setWizard(true)} data-testid="source-wizard">
              {t('web.wizard.open')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => open('new')}>
              {t('web.sources.new')}
            </Button>
          </Space>
        }
      />
      <SourceWizard open={wizard} onClose={() => setWizard(false)} onSaved={list.reload} onAdjust={(found) => open('new', found)} />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Source>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('web.sources.name'), dataIndex: 'name', render: (v: string, s) => <Space direction="vertical" size={0}><span>{v}</span><ExternalLink url={s.url}>{s.url ?? ''}</ExternalLink></Space> },
          { title: t('web.sources.kind'), dataIndex: 'kind', render: (k: string, s) => <>{tk('web.sources.kind', k)} {typeof s.config.preset === 'string' && <Tag>{tk('web.sources.preset', s.config.preset)}</Tag>}{s.reference === 1 && <Tag color="purple" title={t('web.sources.referenceHint')}>{t('web.sources.referenceTag')}</Tag>}</> },
          { title: t('web.sources.interval'), dataIndex: 'interval_seconds', render: (v: number, s) => <>{v} {s.high_frequency === 1 && <Tag color="volcano">{t('web.sources.highFrequency')}</Tag>}</> },
          { title: t('web.posts.title'), dataIndex: 'posts' },
          {
            title: t('web.sources.health'),
            key: 'h',
            render: (_, s) => (
              <Space direction="vertical" size={0}>
                <Tag color={s.health.state === 'ok' && s.error_streak > 0 ? 'orange' : HEALTH_COLOURS[s.health.state]} data-health={s.health.state}>{s.health.label}</Tag>
                {s.paused === 1 && s.health.state !== 'paused' && <Tag>{t('web.sources.paused')}</Tag>}
                {s.health.reason && <Typography.Text style={{ fontSize: 12 }}>{s.health.reason}</Typography.Text>}
                {s.health.action && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('web.sources.healthAction')}{s.health.action}</Typography.Text>}
                {s.last_success_at && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('web.sources.lastSuccess')} {fmtTime(s.last_success_at)}</Typography.Text>}
                {s.last_error && <Typography.Text type="danger" style={{ fontSize: 12 }}><SafeText text={s.last_error} /></Typography.Text>}
                {s.last_warning && (
                  <Typography.Text type="warning" style={{ fontSize: 12, whiteSpace: 'pre-line' }}>
                    <Tag color="orange">{t('web.sources.warning')}</Tag>
                    {s.last_warning_at && `${fmtTime(s.last_warning_at)} `}
                    <SafeText text={s.last_warning} />
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, s) => (
              <Space wrap>
                {PULLED.has(s.kind) && s.url && (
                  <Button size="small" icon={<ExperimentOutlined />} onClick={() => void test(s.name, { url: s.url!, kind: s.kind, config: s.config, source_id: s.id })} loading={busy} data-testid={`source-test-${s.id}`}>
                    {t('web.sources.test')}
                  </Button>
                )}
                {PULLED.has(s.kind) && <Button size="small" onClick={() => void action(s, 'collect')}>{t('web.sources.collectNow')}</Button>}
                <Button size="small" onClick={() => void action(s, s.paused ? 'resume' : 'pause')}>{s.paused ? t('web.sources.resume') : t('web.sources.pause')}</Button>
                <Button size="small" onClick={() => open(s)}>{t('web.common.edit')}</Button>
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void run(() => api.delete(`/api/sources/${s.id}`), t('web.app.deleted')).then(() => list.reload())}>
                  <Button size="small" danger>{t('web.common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        width={680}
        title={editing === 'new' || editing === null ? t('web.sources.new') : t('web.sources.editTitle', { name: editing.name })}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        confirmLoading={saving}
        destroyOnHidden
        footer={(orig) => (
          <Space>
            {PULLED.has(kind) && <Button icon={<ExperimentOutlined />} onClick={() => void testForm()} loading={busy}>{t('web.sources.test')}</Button>}
            {orig}
          </Space>
        )}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.sources.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.sources.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="kind" label={t('web.sources.kind')}>
              <Select style={{ width: 200 }} disabled={editing !== 'new'} onChange={(k: string) => editor.load(schemaDefaults(schemaOf(k) ?? {}))} options={KINDS.map((k) => ({ value: k, label: tk('web.sources.kind', k) }))} />
            </Form.Item>
          </Space>
          {PULLED.has(kind) && (
            <Form.Item name="url" label={t('web.sources.url')} rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('web.response.urlInvalid') }]}>
              <Input placeholder="https://" />
            </Form.Item>
          )}
          {editor.element}
          <Space wrap>
            <Form.Item name="interval_seconds" label={t('web.sources.interval')} extra={PULLED.has(kind) ? t('web.sources.intervalHelp') : undefined}>
              <InputNumber min={highFrequency ? 10 : 60} max={604800} />
            </Form.Item>
            {PULLED.has(kind) && (
              <Form.Item name="high_frequency" valuePropName="checked" label={t('web.sources.highFrequency')} tooltip={t('web.sources.highFrequencyHelp')}>
                <Checkbox data-testid="source-high-frequency">{t('web.sources.highFrequencyMark')}</Checkbox>
              </Form.Item>
            )}
            <Form.Item name="weight" label={t('web.sources.weight')}>
              <InputNumber min={0} max={10} step={0.1} />
            </Form.Item>
            <Form.Item name="department_id" label={t('web.sources.department')}>
              <Select allowClear style={{ width: 180 }} options={deps.options} />
            </Form.Item>
          </Space>
          <Form.Item name="reference" label={t('web.sources.reference')} valuePropName="checked" extra={t('web.sources.referenceHint')}>
            <Switch data-testid="source-reference" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={preview !== null} width={760} title={preview ? t('web.sources.testTitle', { name: preview.name }) : ''} onCancel={() => setPreview(null)} footer={null}>
        {preview && (
          <>
            {preview.result.warnings.map((w, i) => (
              <Alert key={i} type="warning" message={<SafeText text={w} />} style={{ marginBottom: 6 }} />
            ))}
            <Typography.Text type="secondary">
              {t('web.sources.testItems', { n: preview.result.items.length })}
              {preview.result.charset ? ` · ${preview.result.charset}` : ''}
            </Typography.Text>
            <List
              size="small"
              dataSource={preview.result.items}
              data-testid="source-preview"
              renderItem={(i) => (
                <List.Item>
                  <div>
                    <ExternalLink url={i.url}><SafeText text={i.title} /></ExternalLink>
                    <div style={{ fontSize: 12, color: '#888' }}>
                      {i.author ?? ''} {fmtTime(i.published_at)} {i.replies ? `· ${t('web.posts.replies')} ${i.replies}` : ''}
                    </div>
                    <div style={{ fontSize: 12 }}><SafeText text={i.text} /></div>
                  </div>
                </List.Item>
              )}
            />
          </>
        )}
      </Modal>
    </div>
  );
}
