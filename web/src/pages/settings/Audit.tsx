import { Button, DatePicker, Input, Select, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { useSearchParams } from '../../lib/router.tsx';
import type { AuditFacets, AuditRow } from '../../lib/types.ts';

const PAGE = 100;
const FILTERS = ['action', 'actor', 'from', 'to', 'entity', 'entityId'] as const;

/** The changed fields of one entry: 字段 / 变更前 / 变更后. */
function Changes({ row }: { row: AuditRow }) {
  const created = row.changes.every((c) => c.before === '');
  const deleted = row.changes.every((c) => c.after === '');
  return (
    <Table
      rowKey="field"
      size="small"
      pagination={false}
      dataSource={row.changes}
      data-testid="audit-changes"
      columns={[
        { title: t('web.audit.field'), dataIndex: 'label', width: 160 },
        ...(created ? [] : [{ title: t('web.audit.before'), dataIndex: 'before', render: (v: string) => <span className="ms-audit-before">{v}</span> }]),
        ...(deleted ? [] : [{ title: t('web.audit.after'), dataIndex: 'after', render: (v: string) => <span className="ms-audit-after">{v}</span> }]),
      ]}
    />
  );
}

/** 审计日志: who did what to which named thing, in Chinese, with the changed fields before and after. */
export default function Audit() {
  const [search, setSearch] = useSearchParams();
  const q = Object.fromEntries(FILTERS.map((k) => [k, search.get(k) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [more, setMore] = useState(false);
  const facets = useLoad((signal) => api.get<AuditFacets>('/api/audit/facets', undefined, { signal }), []);
  const first = useLoad((signal) => api.get<AuditRow[]>('/api/audit', { ...q, limit: PAGE }, { signal }), [search.toString()]);
  useEffect(() => {
    if (first.data) {
      setRows(first.data);
      setMore(first.data.length === PAGE);
    }
  }, [first.data]);
  const older = async () => {
    const last = rows[rows.length - 1];
    const next = await api.get<AuditRow[]>('/api/audit', { ...q, limit: PAGE, beforeId: last?.id });
    setRows([...rows, ...next]);
    setMore(next.length === PAGE);
  };
  return (
    <div className="ms-page">
      <PageTitle title={t('web.audit.title')} />
      <div className="ms-toolbar">
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('web.audit.filterAction')}
          style={{ width: 220 }}
          value={q.action}
          options={(facets.data?.actions ?? []).map((a) => ({ value: a.action, label: a.name }))}
          onChange={(v?: string) => setSearch({ action: v ?? null })}
          data-testid="audit-action"
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('web.audit.filterActor')}
          style={{ width: 180 }}
          value={q.actor}
          options={(facets.data?.actors ?? []).map((a) => ({ value: a.actor_name, label: a.who }))}
          onChange={(v?: string) => setSearch({ actor: v ?? null })}
          data-testid="audit-actor"
        />
        <DatePicker.RangePicker
          value={q.from ? [dayjs(q.from), q.to ? dayjs(q.to) : null] : null}
          onChange={(r) => setSearch({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1]?.format('YYYY-MM-DD') ?? null })}
        />
        <Input.Search allowClear placeholder={t('web.audit.filterEntityId')} defaultValue={q.entityId} style={{ width: 160 }} onSearch={(v) => setSearch({ entityId: v.trim() || null })} />
      </div>
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      <Table<AuditRow>
        rowKey="id"
        size="small"
        loading={first.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        expandable={{
          rowExpandable: (r) => r.changes.length > 0,
          expandedRowRender: (r) => <Changes row={r} />,
        }}
        columns={[
          { title: t('web.audit.at'), dataIndex: 'at', render: fmtTime, width: 150 },
          { title: t('web.audit.what'), dataIndex: 'summary', render: (v: string) => <span data-testid="audit-summary">{v}</span> },
          { title: t('web.audit.via'), dataIndex: 'via', width: 90, render: (v: string) => <Tag>{tk('web.audit.via', v)}</Tag> },
          { title: t('web.audit.changes'), key: 'n', width: 90, render: (_, r) => (r.changes.length ? t('web.audit.changeCount', { n: r.changes.length }) : '') },
        ]}
      />
      {more && (
        <Button style={{ marginTop: 12 }} onClick={() => void older()}>
          {t('web.audit.older')}
        </Button>
      )}
    </div>
  );
}
