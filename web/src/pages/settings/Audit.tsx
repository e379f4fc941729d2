import { Button, Input, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { useSearchParams } from '../../lib/router.tsx';
import type { AuditRow } from '../../lib/types.ts';

const PAGE = 100;

function pretty(json: string | null): string {
  if (!json) return '';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export default function Audit() {
  const [search, setSearch] = useSearchParams();
  const entity = search.get('entity') ?? '';
  const entityId = search.get('entityId') ?? '';
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [more, setMore] = useState(false);
  const first = useLoad((signal) => api.get<AuditRow[]>('/api/audit', { entity, entityId, limit: PAGE }, { signal }), [entity, entityId]);
  useEffect(() => {
    if (first.data) {
      setRows(first.data);
      setMore(first.data.length === PAGE);
    }
  }, [first.data]);
  const older = async () => {
    const last = rows[rows.length - 1];
    const next = await api.get<AuditRow[]>('/api/audit', { entity, entityId, limit: PAGE, beforeId: last?.id });
    setRows([...rows, ...next]);
    setMore(next.length === PAGE);
  };
  return (
    <div className="ms-page">
      <PageTitle title={t('web.audit.title')} />
      <div className="ms-toolbar">
        <Input.Search allowClear placeholder={t('web.audit.filterEntity')} defaultValue={entity} style={{ width: 200 }} onSearch={(v) => setSearch({ entity: v.trim() })} />
        <Input.Search allowClear placeholder={t('web.audit.filterEntityId')} defaultValue={entityId} style={{ width: 160 }} onSearch={(v) => setSearch({ entityId: v.trim() })} />
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
          rowExpandable: (r) => !!(r.before || r.after),
          expandedRowRender: (r) => (
            <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit,minmax(280px,1fr))', gap: 12 }}>
              {r.before && (
                <div>
                  <b>{t('web.audit.before')}</b>
                  <pre className="ms-json">{pretty(r.before)}</pre>
                </div>
              )}
              {r.after && (
                <div>
                  <b>{t('web.audit.after')}</b>
                  <pre className="ms-json">{pretty(r.after)}</pre>
                </div>
              )}
            </div>
          ),
        }}
        columns={[
          { title: t('web.audit.at'), dataIndex: 'at', render: fmtTime, width: 150 },
          { title: t('web.audit.actor'), dataIndex: 'actor_name' },
          { title: t('web.audit.via'), dataIndex: 'via', render: (v: string) => <Tag>{v}</Tag> },
          { title: t('web.audit.action'), dataIndex: 'action' },
          { title: t('web.audit.entity'), key: 'e', render: (_, r) => `${r.entity}${r.entity_id ? ` #${r.entity_id}` : ''}` },
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
