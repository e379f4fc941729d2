import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Collapse, Form, Input, Modal, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import type { CaseSettings, ReplyTemplate as Template, ReplyTemplates } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

const KINDS = ['reply', 'firm', 'statement'] as const;
/** 套话词表: the office's own list of stock phrases the reply check flags, one per line. */
function StockPhrases() {
  const settings = useLoad((signal) => api.get<CaseSettings>('/api/cases/settings', undefined, { signal }), []);
  const [text, setText] = useState<string | null>(null);
  const { run, busy } = useAction();
  const shown = text ?? settings.data?.stock_phrases.join('\n') ?? '';
  const phrases = [...new Set(shown.split('\n').map((l) => l.trim()).filter(Boolean))];
  const tooShort = phrases.filter((p) => p.length < 2 || p.length > 50);
  const save = async () => {
    const saved = await run(() => api.put<CaseSettings>('/api/cases/settings', { stock_phrases: phrases }), t('web.app.saved'));
    if (saved) {
      settings.setData(saved);
      setText(null);
    }
  };
  return (
    <Card size="small" style={{ marginTop: 12 }} title={t('web.stockPhrases.title')} data-testid="stock-phrases">
      <Typography.Paragraph type="secondary">{t('web.stockPhrases.intro')}</Typography.Paragraph>
      {settings.error && <LoadError error={settings.error} onRetry={settings.reload} />}
      <Input.TextArea value={shown} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 6, maxRows: 16 }} disabled={!settings.data} data-testid="stock-phrases-text" />
      <Space style={{ marginTop: 8 }}>
        <Button type="primary" onClick={() => void save()} loading={busy} disabled={text === null || tooShort.length > 0 || phrases.length > 500}>
          {t('web.common.save')}
        </Button>
        <Typography.Text type={tooShort.length ? 'danger' : 'secondary'}>
          {tooShort.length ? t('web.stockPhrases.bad', { phrase: tooShort[0] }) : t('web.stockPhrases.count', { n: phrases.length })}
        </Typography.Text>
      </Space>
    </Card>
  );
}

const PLACEHOLDERS = ['{department}', '{phone}', '{title}', '{case_number}', '{date}', '{situation}', '{measures}', '{facts}'];

export default function Templates() {
  const list = useLoad((signal) => api.get<ReplyTemplates>('/api/reply-templates', undefined, { signal }), []);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const [form] = Form.useForm<{ name: string; kind: string; body: string }>();
  const { run, busy } = useAction();
  const open = (tp: Template | 'new') => {
    setEditing(tp);
    form.setFieldsValue(tp === 'new' ? { name: '', kind: 'reply', body: list.data?.builtin.reply ?? '' } : tp);
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { name: v.name.trim(), kind: v.kind, body: v.body };
    if (await run(() => (editing === 'new' ? api.post('/api/reply-templates', body) : api.patch(`/api/reply-templates/${(editing as Template).id}`, body)), t('web.app.saved'))) {
      setEditing(null);
      list.reload();
    }
  };
  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.templates.title')}
        intro={
          <>
            {t('web.templates.intro')}{' '}
            {PLACEHOLDERS.map((p) => (
              <Typography.Text code key={p}>
                {p}
              </Typography.Text>
            ))}
          </>
        }
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('web.templates.new')}
          </Button>
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Template>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.templates ?? []}
        pagination={false}
        scroll={{ x: true }}
        expandable={{ expandedRowRender: (tp) => <SafeText text={tp.body} /> }}
        columns={[
          { title: t('web.templates.name'), dataIndex: 'name' },
          { title: t('web.templates.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{tk('web.response.kind', k)}</Tag> },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, tp) => (
              <Space>
                <Button size="small" onClick={() => open(tp)}>
                  {t('web.common.edit')}
                </Button>
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void run(() => api.delete(`/api/reply-templates/${tp.id}`), t('web.app.deleted')).then(() => list.reload())}>
                  <Button size="small" danger>
                    {t('web.common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {list.data && (
        <Card size="small" style={{ marginTop: 12 }}>
          <Collapse
            ghost
            items={[
              {
                key: 'builtin',
                label: t('web.templates.builtin'),
                children: KINDS.map((k) => (
                  <div key={k} style={{ marginBottom: 12 }}>
                    <Tag>{tk('web.response.kind', k)}</Tag>
                    <pre className="ms-pre" style={{ background: '#fafafa', padding: 8 }}>
                      {list.data!.builtin[k]}
                    </pre>
                  </div>
                )),
              },
            ]}
          />
        </Card>
      )}
      <StockPhrases />
      <Modal open={editing !== null} width={720} title={t('web.templates.new')} onCancel={() => setEditing(null)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.templates.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.templates.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('web.templates.kind')}>
            <Radio.Group optionType="button" options={KINDS.map((k) => ({ value: k, label: tk('web.response.kind', k) }))} />
          </Form.Item>
          <Form.Item name="body" label={t('web.templates.body')} rules={[{ required: true, message: t('web.common.required', { field: t('web.templates.body') }) }]}>
            <Input.TextArea autoSize={{ minRows: 8 }} maxLength={20000} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
