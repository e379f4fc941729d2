import { Card, Empty, Grid, List, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../App.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { LevelTag, StateTag } from '../components/Tags.tsx';
import { t } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { useLoad } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';
import type { MemoListItem as MemoRow } from '../lib/types.ts';
import { MemoCard } from './case/Memos.tsx';

/** 抄告单: what the office sent up; a leader reads and writes 批示 here, also on a phone. */
export default function Memos() {
  const list = useLoad((signal) => api.get<MemoRow[]>('/api/memos', undefined, { signal }), []);
  const [filter, setFilter] = useState<'pending' | 'all'>('pending');
  const rows = (list.data ?? []).filter((m) => filter === 'all' || m.instructions.length === 0);
  // On a phone the case's card gives its padding to the memo inside it.
  const phone = Grid.useBreakpoint().md === false;
  return (
    <div className="ms-page" style={{ maxWidth: 900 }}>
      <PageTitle
        title={t('web.memos.title')}
        intro={t('web.memos.intro')}
        extra={<Segmented value={filter} onChange={(v) => setFilter(v as 'pending' | 'all')} options={[{ value: 'pending', label: t('web.memos.pending') }, { value: 'all', label: t('web.common.all') }]} />}
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data ? (
        <Spin />
      ) : rows.length === 0 ? (
        <Empty description={t('web.memos.empty')} />
      ) : (
        <List
          split={false}
          dataSource={rows}
          renderItem={(m) => (
            <Card size="small" style={{ marginBottom: 12 }} styles={phone ? { body: { padding: 6 } } : undefined} key={m.id}>
              <Space wrap style={{ marginBottom: 8 }}>
                <Link to={`/cases/${m.case_id}`}>{m.case_number}</Link>
                <Typography.Text strong>
                  <SafeText text={m.case_title} />
                </Typography.Text>
                <LevelTag level={m.case_level} />
                <StateTag state={m.case_state} />
                {m.instructions.length > 0 && <Tag color="green">{t('web.memos.instructed')}</Tag>}
              </Space>
              <MemoCard memo={m} onChange={list.reload} />
            </Card>
          )}
        />
      )}
    </div>
  );
}
