import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, InputNumber, Result, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Chart } from '../components/Chart.tsx';
import { ExternalLink, SafeText } from '../components/SafeText.tsx';
import { AppealTag, EmotionTag, LevelTag, SentimentTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { may } from '../lib/permissions.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import type { CaseRow, EventDetail, EventPost, MergeEventsInput, SplitEventInput } from '../lib/types.ts';

export default function EventDetail({ params }: { params: Record<string, string> }) {
  const id = Number(params.id);
  const me = useMe();
  const { navigate } = useRouter();
  const { run, busy } = useAction();
  const detail = useLoad((signal) => api.get<EventDetail>(`/api/events/${id}`, undefined, { signal }), [id]);
  const [selected, setSelected] = useState<number[]>([]);
  const [mergeId, setMergeId] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const option = useMemo(() => {
    const tl = detail.data?.timeline ?? [];
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: tl.map((x) => fmtTime(x.hour).slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('web.events.count'), data: tl.map((x) => x.count), itemStyle: { color: '#b71c1c' } }],
    };
  }, [detail.data]);
  if (detail.error && !detail.data) return <Result status="404" title={detail.error.message} extra={<Link to="/events">{t('web.events.back')}</Link>} />;
  if (!detail.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  const { event, posts } = detail.data;
  const openCase = async () => {
    const c = await run(() => api.post<CaseRow>('/api/cases', { event_id: event.id }));
    if (c) navigate(`/cases/${c.id}`);
  };
  const manage = may(me.role, 'events.manage') && event.merged_into === null;
  const merge = async () => {
    if (!mergeId) return;
    const body: MergeEventsInput = { events: [mergeId], note: note || undefined };
    if (await run(() => api.post(`/api/events/${event.id}/merge`, body), t('web.events.merged'))) {
      setMergeId(null);
      setNote('');
      detail.reload();
    }
  };
  const split = async () => {
    const body: SplitEventInput = { post_ids: selected, note: note || undefined };
    const r = await run(() => api.post<{ event_id: number }>(`/api/events/${event.id}/split`, body), t('web.events.splitDone'));
    if (r) {
      setSelected([]);
      setNote('');
      detail.reload();
    }
  };
  return (
    <div className="ms-page">
      <Link to="/events">
        <ArrowLeftOutlined /> {t('web.events.back')}
      </Link>
      <Typography.Title level={4}>
        <Space wrap>
          <SafeText text={event.title} />
          <LevelTag level={event.risk_level} />
          {event.burst === 1 && <Tag color="red">{t('web.events.burst')}</Tag>}
        </Space>
      </Typography.Title>
      {event.merged_into !== null && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={<Link to={`/events/${event.merged_into}`}>{t('web.events.mergedInto', { id: event.merged_into })}</Link>} />
      )}
      {event.burst_reason && <Alert type="warning" showIcon message={`${t('web.events.burstReason')}：${event.burst_reason}`} style={{ marginBottom: 12 }} />}
      <Card size="small" style={{ marginBottom: 12 }} extra={may(me.role, 'cases.open') && <Button onClick={() => void openCase()} loading={busy}>{t('web.events.openCase')}</Button>}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
          <Descriptions.Item label={t('web.events.postCount')}>{event.post_count}</Descriptions.Item>
          <Descriptions.Item label={t('web.events.topic')}>{event.topic ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('web.events.firstSeen')}>{fmtTime(event.first_seen_at)}</Descriptions.Item>
          <Descriptions.Item label={t('web.events.lastSeen')}>{fmtTime(event.last_seen_at)}</Descriptions.Item>
          <Descriptions.Item label={t('web.signal.emotion')}>
            <span data-testid="event-emotions">{detail.data!.emotions.map((e) => `${tk('web.emotion', e.label)} ${e.count}`).join(' · ') || '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('web.signal.appeal')}>{detail.data!.appeals.map((e) => `${tk('web.appeal', e.label)} ${e.count}`).join(' · ') || '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('web.events.timeline')} style={{ marginBottom: 12 }}>
        <Chart option={option} height={220} testId="event-timeline" />
      </Card>
      {manage && (
        <Card size="small" title={t('web.events.manage')} style={{ marginBottom: 12 }} data-testid="event-manage">
          <Space wrap>
            <InputNumber min={1} placeholder={t('web.events.mergeId')} value={mergeId} onChange={(v) => setMergeId(typeof v === 'number' ? v : null)} style={{ width: 160 }} />
            <Button onClick={() => void merge()} disabled={!mergeId} loading={busy}>
              {t('web.events.merge')}
            </Button>
            <Button onClick={() => void split()} disabled={!selected.length || selected.length >= posts.length} loading={busy}>
              {t('web.events.split', { n: selected.length })}
            </Button>
            <Input placeholder={t('web.events.note')} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 260 }} maxLength={500} />
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
            {t('web.events.manageHelp')}
          </Typography.Paragraph>
        </Card>
      )}
      {detail.data.changes.length > 0 && (
        <Card size="small" title={t('web.events.changes')} style={{ marginBottom: 12 }} data-testid="event-changes">
          <Timeline
            items={detail.data.changes.map((c) => ({
              children: (
                <span>
                  {fmtTime(c.at)} {c.user_name ?? '—'}{' '}
                  {c.kind === 'merge'
                    ? c.event_id === event.id
                      ? t('web.events.change.mergedIn', { id: c.other_event_id ?? '—', n: c.post_ids.length })
                      : t('web.events.change.mergedAway', { id: c.event_id, n: c.post_ids.length })
                    : c.event_id === event.id
                      ? t('web.events.change.splitOff', { id: c.other_event_id ?? '—', n: c.post_ids.length })
                      : t('web.events.change.splitFrom', { id: c.event_id, n: c.post_ids.length })}
                  {c.note ? `（${c.note}）` : ''}
                </span>
              ),
            }))}
          />
        </Card>
      )}
      <Card size="small" title={t('web.events.posts')}>
        <Table<EventPost>
          rowKey="id"
          size="small"
          dataSource={posts}
          rowSelection={manage ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)) } : undefined}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: true }}
          columns={[
            { title: t('web.posts.time'), dataIndex: 'at', render: fmtTime, width: 140 },
            { title: t('web.posts.title'), dataIndex: 'title', render: (v: string, p) => <Link to={`/posts/${p.id}`}><SafeText text={v} /></Link> },
            { title: t('web.posts.source'), dataIndex: 'source' },
            { title: t('web.posts.sentiment'), dataIndex: 'sentiment_label', render: (s: string | null) => <SentimentTag label={s} /> },
            { title: t('web.signal.appeal'), dataIndex: 'appeal_label', render: (s: string | null) => <AppealTag label={s} /> },
            { title: t('web.signal.emotion'), dataIndex: 'emotion_label', render: (s: string | null) => <EmotionTag label={s} always /> },
            { title: t('web.posts.level'), dataIndex: 'risk_level', render: (l: string | null) => <LevelTag level={l} /> },
            { title: t('web.posts.original'), dataIndex: 'url', render: (u: string | null) => <ExternalLink url={u}>{t('web.common.open')}</ExternalLink> },
          ]}
        />
      </Card>
    </div>
  );
}
