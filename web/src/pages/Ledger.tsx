import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, DatePicker, Form, Input, Modal, Radio, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import dayjs from 'dayjs';
import { LoadError } from '../App.tsx';
import { LevelTag, StateTag } from '../components/Tags.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { may } from '../lib/permissions.ts';
import { Link, useRouter, useSearchParams } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import type { CaseRow, LedgerItem, LedgerPage } from '../lib/types.ts';
import { useDepartments } from '../lib/useDepartments.ts';
import { validValues } from '../lib/forms.ts';

const STATES = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'replied', 'following_up', 'closed', 'escalated'];
const LEVELS = ['blue', 'yellow', 'orange', 'red'];
const PAGE = 20;

export default function Ledger() {
  const [search, setSearch] = useSearchParams();
  const deps = useDepartments();
  const { run, busy } = useAction();
  const me = useMe();
  const { navigate } = useRouter();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ title: string; summary?: string; level: string; lead_department_id?: number }>();
  const create = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { title: v.title.trim(), level: v.level, ...(v.summary?.trim() ? { summary: v.summary.trim() } : {}), ...(v.lead_department_id ? { lead_department_id: v.lead_department_id } : {}) };
    const c = await run(() => api.post<CaseRow>('/api/cases', body), t('web.app.saved'));
    if (c) {
      setCreating(false);
      navigate(`/cases/${c.id}`);
    }
  };
  const filters = {
    state: search.get('state')?.split(',').filter(Boolean) ?? [],
    level: search.get('level') ?? undefined,
    appeal: search.get('appeal') ?? undefined,
    department_id: search.get('department_id') ?? undefined,
    overdue: search.get('overdue') ?? undefined,
    q: search.get('q') ?? undefined,
    from: search.get('from') ?? undefined,
    to: search.get('to') ?? undefined,
  };
  const page = Number(search.get('page') ?? '1') || 1;
  const key = search.toString();
  const list = useLoad((signal) => {
    const params = new URLSearchParams();
    for (const s of filters.state) params.append('state', s);
    for (const [k, v] of Object.entries({ ...filters, state: undefined, limit: PAGE, offset: (page - 1) * PAGE })) if (v !== undefined && v !== '') params.set(k, String(v));
    return api.get<LedgerPage>(`/api/cases?${params}`, undefined, { signal });
  }, [key]);

  const exportXlsx = () => {
    const params = new URLSearchParams();
    for (const s of filters.state) params.append('state', s);
    for (const [k, v] of Object.entries({ ...filters, state: undefined })) if (v) params.set(k, String(v));
    void run(() => api.download(`/api/cases/export.xlsx?${params}`, undefined, 'ledger.xlsx'));
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.cases.title')}
        extra={
          <Space wrap>
            {may(me.role, 'cases.open') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="case-new">
                {t('web.cases.new')}
              </Button>
            )}
            <Button icon={<DownloadOutlined />} onClick={exportXlsx}>
              {t('web.cases.export')}
            </Button>
          </Space>
        }
      />
      <div className="ms-toolbar">
        <Input.Search allowClear placeholder={t('web.cases.search')} defaultValue={filters.q} style={{ width: 220 }} onSearch={(v) => setSearch({ q: v.trim(), page: null })} />
        <Select
          mode="multiple"
          allowClear
          placeholder={t('web.cases.state')}
          style={{ minWidth: 180 }}
          value={filters.state}
          options={STATES.map((s) => ({ value: s, label: tk('web.state', s) }))}
          onChange={(v: string[]) => setSearch({ state: v.join(','), page: null })}
        />
        <Select allowClear placeholder={t('web.cases.level')} style={{ width: 110 }} value={filters.level} options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} onChange={(v) => setSearch({ level: v, page: null })} />
        <Select
          allowClear
          placeholder={t('web.signal.appeal')}
          style={{ width: 110 }}
          value={filters.appeal}
          options={['complaint', 'help', 'inquiry', 'suggestion', 'praise'].map((a) => ({ value: a, label: tk('web.appeal', a) }))}
          onChange={(v) => setSearch({ appeal: v, page: null })}
          data-testid="ledger-appeal"
        />
        <Select
          allowClear
          placeholder={t('web.common.department')}
          style={{ width: 160 }}
          value={filters.department_id ? Number(filters.department_id) : undefined}
          options={deps.options}
          onChange={(v?: number) => setSearch({ department_id: v ? String(v) : null, page: null })}
        />
        <DatePicker.RangePicker
          placeholder={[t('web.cases.dateRange'), t('web.cases.dateRange')]}
          value={filters.from ? [dayjs(filters.from), filters.to ? dayjs(filters.to).subtract(1, 'day') : null] : null}
          onChange={(r) => setSearch({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1] ? r[1].add(1, 'day').format('YYYY-MM-DD') : null, page: null })}
        />
        <Checkbox checked={filters.overdue === '1'} onChange={(e) => setSearch({ overdue: e.target.checked ? '1' : null, page: null })}>
          {t('web.cases.onlyOverdue')}
        </Checkbox>
      </div>
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<LedgerItem>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('web.cases.empty') }}
        scroll={{ x: true }}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, showTotal: (n) => t('web.common.total', { n }), showSizeChanger: false, onChange: (p) => setSearch({ page: String(p) }) }}
        columns={[
          { title: t('web.cases.number'), dataIndex: 'number', render: (v: string, c) => <Link to={`/cases/${c.id}`}>{v}</Link>, width: 130 },
          {
            title: t('web.cases.caseTitle'),
            dataIndex: 'title',
            render: (v: string, c) => (
              <Space size={4} wrap>
                <Link to={`/cases/${c.id}`}>{v}</Link>
                {c.emergency && <Tag color="red">{t('web.cases.emergency')}</Tag>}
              </Space>
            ),
          },
          { title: t('web.cases.state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} />, width: 90 },
          { title: t('web.cases.level'), dataIndex: 'level', render: (l: string) => <LevelTag level={l} />, width: 90 },
          {
            title: t('web.cases.lead'),
            key: 'lead',
            render: (_, c) => (
              <span>
                {c.lead_department ?? <Tag>{t('web.cases.unassigned')}</Tag>}
                {c.assisting.length > 0 && <span style={{ color: '#888' }}>（{c.assisting.map((a) => a.name).join('、')}）</span>}
              </span>
            ),
          },
          { title: t('web.cases.openedAt'), dataIndex: 'opened_at', render: fmtTime, width: 140 },
          {
            title: t('web.cases.deadline'),
            key: 'deadline',
            width: 170,
            render: (_, c) =>
              c.deadline_at ? (
                <span style={{ color: c.overdue ? '#cf1322' : undefined }}>
                  {fmtTime(c.deadline_at)} {c.overdue && <Tag color="red">{t('web.cases.overdue')}</Tag>}
                </span>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('web.cases.newTitle')} onCancel={() => setCreating(false)} onOk={() => void create()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'case-new-ok' }}>
        <Form form={form} layout="vertical" initialValues={{ level: 'blue' }}>
          <Form.Item name="title" label={t('web.cases.caseTitle')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.cases.caseTitle') }) }]}>
            <Input maxLength={300} id="case-new-title" />
          </Form.Item>
          <Form.Item name="summary" label={t('web.cases.summary')}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
          </Form.Item>
          <Form.Item name="level" label={t('web.cases.level')}>
            <Radio.Group optionType="button" options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} />
          </Form.Item>
          {may(me.role, 'cases.assign') && (
            <Form.Item name="lead_department_id" label={t('web.cases.lead')}>
              <Select allowClear options={deps.options} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
