import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
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

  const open = (c: Channel | 'new') => {
    setEditing(c);
    form.setFieldsValue(
      c === 'new'
        ? { name: '', kind: 'inapp', config: '{}', department_id: null, min_level: 'yellow', rule_names: [], quiet: '', audience: 'department', enabled: true }
        : { ...c, config: JSON.stringify(c.config, null, 2), quiet: c.quiet_hours ? `${c.quiet_hours.start}-${c.quiet_hours.end}` : '' },
    );
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(v.config || '{}');
      if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error();
    } catch {
      form.setFields([{ name: 'config', errors: [t('web.channels.configInvalid')] }]);
      return;
    }
    const body = { name: v.name.trim(), kind: v.kind, config, department_id: v.department_id ?? null, min_level: v.min_level, rule_names: v.rule_names ?? [], quiet_hours: parseQuietHours(v.quiet ?? '') ?? null, audience: v.audience, enabled: v.enabled };
    if (await run(() => (editing === 'new' ? api.post('/api/channels', body) : api.patch(`/api/channels/${(editing as Channel).id}`, body)), t('web.app.saved'))) {
      setEditing(null);
      list.reload();
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
      <Modal open={editing !== null} width={640} title={t('web.channels.new')} onCancel={() => setEditing(null)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.channels.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.channels.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('web.channels.kind')}>
            <Select disabled={editing !== 'new'} options={(kinds.data ?? []).map((k) => ({ value: k.kind, label: tk('web.channels.kind', k.kind) }))} />
          </Form.Item>
          <Form.Item name="config" label={t('web.channels.config')} extra={t('web.channels.secretsHint')}>
            <Input.TextArea autoSize={{ minRows: 3 }} style={{ fontFamily: 'monospace' }} spellCheck={false} />
          </Form.Item>
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
