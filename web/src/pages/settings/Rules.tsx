import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, InputNumber, List, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RangeText, SafeText } from '../../components/SafeText.tsx';
import { LevelTag } from '../../components/Tags.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { Link } from '../../lib/router.tsx';
import { useDebounced } from '../../lib/useDebounced.ts';
import type { Department, SourceListItem, ExpressionCheck as ParseResult, RuleTestResult as TestResult, WatchRule as Rule } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];

/** The expression editor with a live syntax check and a trial run against recent posts. */
function LiveTest({ expression, sources }: { expression: string; sources: string[] }) {
  const expr = useDebounced(expression.trim(), 500);
  const [days, setDays] = useState(7);
  const [parse, setParse] = useState<ParseResult | null>(null);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const srcKey = sources.join('|');
  useEffect(() => {
    if (!expr) {
      setParse(null);
      setResult(null);
      return;
    }
    let cancelled = false;
    setBusy(true);
    (async () => {
      try {
        const p = await api.post<ParseResult>('/api/rules/parse', { expression: expr });
        if (cancelled) return;
        setParse(p);
        setError(null);
        if (!p.ok) return setResult(null);
        const r = await api.post<TestResult>('/api/rules/test', { expression: expr, days, limit: 20, ...(sources.length ? { sources } : {}) });
        if (!cancelled) setResult(r);
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      } finally {
        if (!cancelled) setBusy(false);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expr, days, srcKey]);
  return (
    <Card size="small" title={t('web.rules.test')} extra={<Space size={4}>{t('web.rules.testDays')}<InputNumber min={1} max={365} value={days} onChange={(v) => setDays(v ?? 7)} size="small" /></Space>}>
      {parse && !parse.ok && parse.error && <Alert type="error" showIcon message={t('web.rules.syntaxError', { position: parse.error.position, message: parse.error.message })} data-testid="rule-syntax-error" />}
      {parse?.ok && (
        <div style={{ marginBottom: 8 }}>
          <Tag color="green">{t('web.rules.syntaxOk')}</Tag>
          {parse.terms?.map((x, i) => (
            <Tag key={i} color={x.negated ? 'default' : 'blue'} style={{ textDecoration: x.negated ? 'line-through' : undefined }}>
              {x.value}
            </Tag>
          ))}
        </div>
      )}
      {error && <Alert type="error" message={error} />}
      {busy && <Typography.Text type="secondary">{t('web.rules.testing')}</Typography.Text>}
      {result && !busy && (
        <>
          <Typography.Text type="secondary" data-testid="rule-test-summary">
            {t('web.rules.testResult', { days, scanned: result.scanned, matched: result.matched })}
          </Typography.Text>
          <List
            size="small"
            dataSource={result.matches}
            locale={{ emptyText: t('web.rules.noMatch') }}
            renderItem={(m) => (
              <List.Item>
                <div style={{ width: '100%' }}>
                  <Space size={4} wrap>
                    <LevelTag level={m.post.risk_level} />
                    <Link to={`/posts/${m.post.id}`}>{m.highlights.title ? <RangeText text={m.highlights.title.text} ranges={m.highlights.title.ranges} /> : <SafeText text={m.post.title} />}</Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {m.post.source} · {fmtTime(m.post.published_at)}
                    </Typography.Text>
                  </Space>
                  {m.highlights.text && (
                    <div style={{ fontSize: 12, color: '#555', maxHeight: 60, overflow: 'hidden' }}>
                      <RangeText text={m.highlights.text.text} ranges={m.highlights.text.ranges} />
                    </div>
                  )}
                </div>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

type FormValues = Pick<Rule, 'name' | 'expression' | 'sources' | 'department' | 'min_level' | 'enabled'>;

export default function Rules() {
  const list = useLoad((signal) => api.get<Rule[]>('/api/rules', undefined, { signal }), []);
  const deps = useLoad((signal) => api.get<Department[]>('/api/departments', undefined, { signal }), []);
  const sources = useLoad((signal) => api.get<SourceListItem[]>('/api/sources', undefined, { signal }).catch(() => [] as SourceListItem[]), []);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const expression = Form.useWatch('expression', form) ?? '';
  const scope = Form.useWatch('sources', form) ?? [];
  const { run, busy } = useAction();
  const depName = (code: string | null) => deps.data?.find((d) => d.code === code)?.name ?? code ?? '—';

  const open = (r: Rule | 'new') => {
    setEditing(r);
    form.setFieldsValue(r === 'new' ? { name: '', expression: '', sources: [], department: null, min_level: 'blue', enabled: true } : { name: r.name, expression: r.expression, sources: r.sources, department: r.department, min_level: r.min_level, enabled: r.enabled });
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { ...v, name: v.name.trim(), department: v.department || null };
    if (await run(() => (editing === 'new' ? api.post('/api/rules', body) : api.patch(`/api/rules/${(editing as Rule).id}`, body)), t('web.app.saved'))) {
      setEditing(null);
      list.reload();
    }
  };
  const remove = async (r: Rule) => {
    if (await run(() => api.delete(`/api/rules/${r.id}`), t('web.app.deleted'))) list.reload();
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.rules.title')}
        intro={t('web.rules.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="rule-new">
            {t('web.rules.new')}
          </Button>
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Rule>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('web.rules.name'), dataIndex: 'name' },
          { title: t('web.rules.expression'), dataIndex: 'expression', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('web.rules.department'), dataIndex: 'department', render: depName },
          { title: t('web.rules.minLevel'), dataIndex: 'min_level', render: (l: string) => <LevelTag level={l} /> },
          { title: t('web.rules.sources'), dataIndex: 'sources', render: (s: string[]) => (s.length ? s.map((x) => <Tag key={x}>{x}</Tag>) : t('web.common.all')) },
          { title: t('web.rules.enabled'), dataIndex: 'enabled', render: (e: boolean) => (e ? <Tag color="green">{t('web.common.enabled')}</Tag> : <Tag>{t('web.common.disabled')}</Tag>) },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => open(r)}>
                  {t('web.common.edit')}
                </Button>
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void remove(r)}>
                  <Button size="small" danger>
                    {t('web.common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        width={1000}
        title={editing === 'new' ? t('web.rules.new') : editing ? t('web.rules.editTitle', { name: editing.name }) : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('web.common.save')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Row gutter={16}>
          <Col xs={24} md={11}>
            <Form form={form} layout="vertical">
              <Form.Item name="name" label={t('web.rules.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.rules.name') }) }]}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item name="expression" label={t('web.rules.expression')} rules={[{ required: true, message: t('web.common.required', { field: t('web.rules.expression') }) }]}>
                <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} style={{ fontFamily: 'monospace' }} placeholder={t('web.rules.placeholder')} data-testid="rule-expression" />
              </Form.Item>
              <Form.Item name="department" label={t('web.rules.department')}>
                <Select allowClear options={(deps.data ?? []).map((d) => ({ value: d.code, label: d.name }))} />
              </Form.Item>
              <Form.Item name="min_level" label={t('web.rules.minLevel')}>
                <Select options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} />
              </Form.Item>
              <Form.Item name="sources" label={t('web.rules.sources')} extra={t('web.rules.sourcesHint')}>
                <Select mode="tags" options={(sources.data ?? []).map((s) => ({ value: s.name, label: s.name }))} />
              </Form.Item>
              <Form.Item name="enabled" label={t('web.rules.enabled')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Form>
          </Col>
          <Col xs={24} md={13}>
            <LiveTest expression={expression} sources={scope} />
          </Col>
        </Row>
      </Modal>
    </div>
  );
}
