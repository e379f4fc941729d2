import { Checkbox, Input, Select, Table, Tag } from 'antd';
import { LoadError } from '../App.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { LevelTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { Link, useSearchParams } from '../lib/router.tsx';
import type { EventPage, EventRow } from '../lib/types.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];
const PAGE = 30;

export default function Events() {
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? undefined;
  const level = search.get('level') ?? undefined;
  const burst = search.get('burst') ?? undefined;
  const page = Number(search.get('page') ?? '1') || 1;
  const list = useLoad((signal) => api.get<EventPage>('/api/events', { q, level, burst, limit: PAGE, offset: (page - 1) * PAGE }, { signal }), [q, level, burst, page]);
  return (
    <div className="ms-page">
      <PageTitle title={t('web.events.title')} intro={t('web.events.intro')} />
      <div className="ms-toolbar">
        <Input.Search allowClear placeholder={t('web.events.search')} defaultValue={q} style={{ width: 220 }} onSearch={(v) => setSearch({ q: v.trim(), page: null })} />
        <Select allowClear placeholder={t('web.posts.level')} style={{ width: 120 }} value={level} options={LEVELS.map((l) => ({ value: l, label: `≥ ${tk('web.level', l)}` }))} onChange={(v) => setSearch({ level: v, page: null })} />
        <Checkbox checked={burst === '1'} onChange={(e) => setSearch({ burst: e.target.checked ? '1' : null, page: null })}>
          {t('web.events.onlyBurst')}
        </Checkbox>
      </div>
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<EventRow>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, showSizeChanger: false, showTotal: (n) => t('web.common.total', { n }), onChange: (p) => setSearch({ page: String(p) }) }}
        columns={[
          {
            title: t('web.events.eventTitle'),
            dataIndex: 'title',
            render: (v: string, e) => (
              <span>
                <Link to={`/events/${e.id}`}>
                  <SafeText text={v} />
                </Link>{' '}
                {e.burst === 1 && <Tag color="red">{t('web.events.burst')}</Tag>}
              </span>
            ),
          },
          { title: t('web.posts.level'), dataIndex: 'risk_level', render: (l: string | null) => <LevelTag level={l} />, width: 90 },
          { title: t('web.events.postCount'), dataIndex: 'post_count', width: 80 },
          { title: t('web.events.topic'), dataIndex: 'topic', render: (v: string | null) => v ?? '—' },
          { title: t('web.common.department'), dataIndex: 'department_name', render: (v: string | null) => v ?? '—' },
          { title: t('web.events.firstSeen'), dataIndex: 'first_seen_at', render: fmtTime, width: 140 },
          { title: t('web.events.lastSeen'), dataIndex: 'last_seen_at', render: fmtTime, width: 140 },
        ]}
      />
    </div>
  );
}
