import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { schemaDefaults, useConfigEditor, type JsonSchema } from '../../components/SchemaForm.tsx';
import { LevelTag } from '../../components/Tags.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { parseQuietHours } from '../../lib/quiet.ts';
import type { Channel, ChannelKind, ChannelTest, WatchRule } from '../../lib/types.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { validValues } from '../../lib/forms.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];

export default function Channels() {
  const list = useLoad((signal) => api.get<Channel[]>('/api/channels', undefined, { signal }), []);
  const kinds = useLoad((signal) => api.get<ChannelKind[]>('/api/channel-kinds', undefined, { signal }), []);
  const rules = useLoad((signal) => api.get<WatchRule[]>('/api/rules', undefined, { signal }), []);
  const deps = useDepartments();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [form] = Form.useForm();
  const { run, busy } = useAction();
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string; technical: string } | null>(null);
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch('kind', form) as string | undefined;
  const schemaOf = (k: string | undefined) => (kinds.data ?? []).find((x) => x.kind === k)?.schema as JsonSchema | undefined;
  const editor = useConfigEditor(form, schemaOf(kind));

  const open = (c: Channel | 'new') => {
    setEditing(c);
    if (c === 'new') {
      const k = 'wecom';
      form.setFieldsValue({ name: '', kind: k, department_id: null, min_level: 'yellow', rule_names: [], quiet: '', audience: 'department', enabled: true });
      editor.load(schemaDefaults(schemaOf(k) ?? {}));
    } else {
      form.setFieldsValue({ ...c, config: undefined, quiet: c.quiet_hours ? `${c.quiet_hours.start}-${c.quiet_hours.end}` : '' });
      editor.load(c.config);
    }
  };
  const save = async () => {
    const config = editor.read();
    const v = await validValues(form);
    if (!v || !config) return;
    const body = { name: v.name.trim(), kind: v.kind, config, department_id: v.department_id ?? null, min_level: v.min_level, rule_names: v.rule_names ?? [], quiet_hours: parseQuietHours(v.quiet ?? '') ?? null, audience: v.audience, enabled: v.enabled };
    setSaving(true);
    try {
      await (editing === 'new' ? api.post('/api/channels', body) : api.patch(`/api/channels/${(editing as Channel).id}`, body));
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
  const test = async (c: Channel) => {
    const r = await run(() => api.post<ChannelTest>(`/api/channels/${c.id}/test`));
    if (!r) return;
    // People read the zh-CN message; the service's own answer stays under 技术细节 for whoever needs it.
    const technical = [r.status ? `HTTP ${r.status}` : '', r.serviceCode !== null ? `code ${r.serviceCode}` : '', r.answer ?? '', r.error ?? ''].filter(Boolean).join(' · ');
    setTestResult({ ok: r.ok, text: r.message ?? '', technical });
    list.reload();
  };
  const toggle = async (c: Channel) => {
    if (await run(() => api.post(`/api/channels/${c.id}/${c.enabled ? 'disable' : 'enable'}`), t('web.app.saved'))) list.reload();
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.channels.title')}
        intro={t('web.channels.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('web.channels.new')}
          </Button>
        }
      />
      {testResult && (
        <Alert
          type={testResult.ok ? 'success' : 'error'}
          showIcon
          closable
          onClose={() => setTestResult(null)}
          message={testResult.text}
          description={
            testResult.technical ? (
              <details>
                <summary>{t('web.channels.technical')}</summary>
                <code>{testResult.technical}</code>
              </details>
            ) : undefined
          }
          style={{ marginBottom: 12 }}
          data-testid="channel-test-result"
        />
      )}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Channel>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('web.channels.name'), dataIndex: 'name' },
          { title: t('web.channels.kind'), dataIndex: 'kind', render: (k: string) => tk('web.channels.kind', k) },
          { title: t('web.channels.department'), dataIndex: 'department_id', render: (id: number | null) => deps.nameOf(id) || t('web.common.all') },
          { title: t('web.channels.minLevel'), dataIndex: 'min_level', render: (l: string) => <LevelTag level={l} /> },
          { title: t('web.channels.quietHours'), dataIndex: 'quiet_hours', render: (q: Channel['quiet_hours']) => (q ? `${q.start}-${q.end}` : '—') },
          {
            title: t('web.channels.health'),
            key: 'h',
            render: (_, c) => (
              <Space direction="vertical" size={0}>
                {c.enabled ? <Tag color="green">{t('web.common.enabled')}</Tag> : <Tag color="red">{c.disabled_reason ? t('web.channels.disabledReason', { reason: c.disabled_reason }) : t('web.common.disabled')}</Tag>}
                {c.failure_streak > 0 && <Typography.Text type="danger">{t('web.channels.failing', { n: c.failure_streak })}</Typography.Text>}
                {c.last_error && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.last_error}</Typography.Text>}
                {c.last_success_at && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('web.channels.lastSuccess', { time: fmtTime(c.last_success_at) })}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, c) => (
              <Space wrap>
                <Button size="small" onClick={() => void test(c)} loading={busy} data-testid={`channel-test-${c.id}`}>
                  {t('web.channels.test')}
                </Button>
                <Button size="small" onClick={() => open(c)}>
                  {t('web.common.edit')}
                </Button>
                <Button size="small" onClick={() => void toggle(c)}>
                  {c.enabled ? t('web.channels.disable') : t('web.channels.enable')}
                </Button>
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void run(() => api.delete(`/api/channels/${c.id}`), t('web.app.deleted')).then(() => list.reload())}>
                  <Button size="small" danger>
                    {t('web.common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} width={640} title={editing && editing !== 'new' ? t('web.channels.editTitle', { name: editing.name }) : t('web.channels.new')} onCancel={() => setEditing(null)} onOk={() => void save()} confirmLoading={saving} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.channels.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.channels.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('web.channels.kind')}>
            <Select
              disabled={editing !== 'new'}
              data-testid="channel-kind"
              onChange={(k: string) => editor.load(schemaDefaults(schemaOf(k) ?? {}))}
              options={(kinds.data ?? []).map((k) => ({ value: k.kind, label: tk('web.channels.kind', k.kind) }))}
            />
          </Form.Item>
          {kind && tk('web.channels.kindHelp', kind) !== kind && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={tk('web.channels.kindHelp', kind)} />}
          {editor.element}
          <Space wrap>
            <Form.Item name="department_id" label={t('web.channels.department')} extra={t('web.channels.departmentHint')}>
              <Select allowClear style={{ width: 200 }} options={deps.options} />
            </Form.Item>
            <Form.Item name="min_level" label={t('web.channels.minLevel')}>
              <Select style={{ width: 120 }} options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} />
            </Form.Item>
            <Form.Item name="audience" label={t('web.channels.audience')}>
              <Select style={{ width: 160 }} options={['department', 'leaders'].map((a) => ({ value: a, label: tk('web.channels.audience', a) }))} />
            </Form.Item>
          </Space>
          <Form.Item name="rule_names" label={t('web.channels.rules')}>
            <Select mode="multiple" allowClear options={(rules.data ?? []).map((r) => ({ value: r.name, label: r.name }))} />
          </Form.Item>
          <Form.Item
            name="quiet"
            label={t('web.channels.quietHours')}
            extra={t('web.channels.quietHoursHint')}
            rules={[{ validator: (_, v) => (parseQuietHours(v ?? '') === undefined ? Promise.reject(new Error(t('web.channels.quietHoursHint'))) : Promise.resolve()) }]}
          >
            <Input placeholder="22:00-07:00" />
          </Form.Item>
          <Form.Item name="enabled" label={t('web.channels.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
