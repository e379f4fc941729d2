import { Button, DatePicker, Input, List, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { LoadError } from '../App.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { AppealTag, EmotionTag, LevelTag, SentimentTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtPublished, fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { useOnLiveAlert } from '../lib/live.tsx';
import { Link, useSearchParams } from '../lib/router.tsx';
import type { PostRow, SourceListItem, WatchRule } from '../lib/types.ts';
import { useDepartments } from '../lib/useDepartments.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];
const SENTIMENTS = ['negative', 'neutral', 'positive'];
const APPEALS = ['complaint', 'help', 'inquiry', 'suggestion', 'praise'];
const EMOTIONS = ['angry', 'sad', 'fear', 'happy', 'surprise', 'neutral'];
const PAGE = 30;
const FILTERS = ['q', 'source_id', 'department_id', 'risk_level', 'sentiment', 'appeal', 'emotion', 'topic', 'rule', 'event_id', 'since', 'until'] as const;

/** 信息: full-text search over segmented Chinese, with filters; each post shows why it was flagged. */
export default function Posts() {
  const [search, setSearch] = useSearchParams();
  const deps = useDepartments();
  const sources = useLoad((signal) => api.get<SourceListItem[]>('/api/sources', undefined, { signal }).catch(() => []), []);
  const rules = useLoad((signal) => api.get<WatchRule[]>('/api/rules', undefined, { signal }).catch(() => []), []);
  const filters = Object.fromEntries(FILTERS.map((k) => [k, search.get(k) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const page = Number(search.get('page') ?? '1') || 1;
  const key = search.toString();
  const [fresh, setFresh] = useState(0);
  const list = useLoad((signal) => api.get<PostRow[]>('/api/posts', { ...filters, limit: PAGE + 1, offset: (page - 1) * PAGE }, { signal }), [key]);
  useOnLiveAlert(() => setFresh((n) => n + 1));
  const rows = (list.data ?? []).slice(0, PAGE);
  const hasMore = (list.data ?? []).length > PAGE;
  const terms = (filters.q ?? '').split(/\s+/).filter(Boolean);
  return (
    <div className="ms-page">
      <PageTitle title={t('web.posts.title')} />
      <div className="ms-toolbar">
        <Input.Search allowClear placeholder={t('web.posts.search')} defaultValue={filters.q} style={{ width: 260 }} onSearch={(v) => setSearch({ q: v.trim(), page: null })} data-testid="posts-search" />
        <Select allowClear placeholder={t('web.posts.source')} style={{ width: 160 }} value={filters.source_id ? Number(filters.source_id) : undefined} options={(sources.data ?? []).map((s) => ({ value: s.id, label: s.name }))} onChange={(v?: number) => setSearch({ source_id: v ? String(v) : null, page: null })} />
        <Select allowClear placeholder={t('web.posts.level')} style={{ width: 110 }} value={filters.risk_level} options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} onChange={(v) => setSearch({ risk_level: v, page: null })} />
        <Select allowClear placeholder={t('web.posts.sentiment')} style={{ width: 100 }} value={filters.sentiment} options={SENTIMENTS.map((s) => ({ value: s, label: tk('web.sentiment', s) }))} onChange={(v) => setSearch({ sentiment: v, page: null })} />
        <Select allowClear placeholder={t('web.signal.appeal')} style={{ width: 110 }} value={filters.appeal} options={APPEALS.map((s) => ({ value: s, label: tk('web.appeal', s) }))} onChange={(v) => setSearch({ appeal: v, page: null })} data-testid="filter-appeal" />
        <Select allowClear placeholder={t('web.signal.emotion')} style={{ width: 120 }} value={filters.emotion} options={EMOTIONS.map((s) => ({ value: s, label: tk('web.emotion', s) }))} onChange={(v) => setSearch({ emotion: v, page: null })} data-testid="filter-emotion" />
        <Select allowClear placeholder={t('web.posts.department')} style={{ width: 150 }} value={filters.department_id ? Number(filters.department_id) : undefined} options={deps.options} onChange={(v?: number) => setSearch({ department_id: v ? String(v) : null, page: null })} />
        <Select allowClear placeholder={t('web.posts.rule')} style={{ width: 150 }} value={filters.rule} options={(rules.data ?? []).map((r) => ({ value: r.name, label: r.name }))} onChange={(v) => setSearch({ rule: v, page: null })} />
        <Input allowClear placeholder={t('web.posts.topic')} style={{ width: 140 }} defaultValue={filters.topic} onPressEnter={(e) => setSearch({ topic: (e.target as HTMLInputElement).value.trim(), page: null })} />
        <DatePicker.RangePicker
          value={filters.since ? [dayjs(filters.since), filters.until ? dayjs(filters.until).subtract(1, 'day') : null] : null}
          onChange={(r) => setSearch({ since: r?.[0]?.format('YYYY-MM-DD') ?? null, until: r?.[1] ? r[1].add(1, 'day').format('YYYY-MM-DD') : null, page: null })}
        />
        {filters.event_id && (
          <Tag closable onClose={() => setSearch({ event_id: null })}>
            {t('web.posts.event')} #{filters.event_id}
          </Tag>
        )}
      </div>
      {fresh > 0 && (
        <Button
          type="dashed"
          block
          style={{ marginBottom: 8 }}
          onClick={() => {
            setFresh(0);
            list.reload();
          }}
        >
          {t('web.posts.newSince', { n: fresh })}
        </Button>
      )}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <List
        loading={list.loading}
        dataSource={rows}
        locale={{ emptyText: t('web.posts.empty') }}
        pagination={false}
        renderItem={(p) => (
          <List.Item key={p.id} style={{ background: '#fff', padding: 12, marginBottom: 8, borderRadius: 4 }} data-testid={`post-${p.id}`}>
            <div style={{ width: '100%' }}>
              <Space size={4} wrap>
                <LevelTag level={p.risk_level} />
                <SentimentTag label={p.sentiment_label} />
                <AppealTag label={p.appeal_label} />
                <EmotionTag label={p.emotion_label} />
                {p.abuse === 1 && <Tag color="purple">{t('web.posts.abuse')}</Tag>}
                <Link to={`/posts/${p.id}`} style={{ fontWeight: 600 }}>
                  <SafeText text={p.title || p.text.slice(0, 40)} highlight={terms} />
                </Link>
              </Space>
              <div style={{ color: '#555', margin: '4px 0', maxHeight: 44, overflow: 'hidden' }}>
                <SafeText text={p.text.slice(0, 200)} highlight={terms} />
              </div>
              <Space size={8} wrap style={{ fontSize: 12, color: '#888' }}>
                <span>{p.source}</span>
                <span>{p.author ?? ''}</span>
                <span>{p.published_at ? fmtPublished(p.published_at, p.published_precision) : fmtTime(p.fetched_at)}</span>
                {p.standing && <Tag data-testid="post-standing">{tk('web.posts.standing', p.standing)}</Tag>}
                {p.topic && <Tag>{p.topic}</Tag>}
                {p.department_id && <span>{deps.nameOf(p.department_id)}</span>}
                {p.analysis?.rules.map((r) => (
                  <Tag key={r.rule} color="geekblue">
                    {r.rule}
                  </Tag>
                ))}
                {p.event_id && <Link to={`/events/${p.event_id}`}>{t('web.posts.event')} #{p.event_id}</Link>}
              </Space>
            </div>
          </List.Item>
        )}
      />
      <Space style={{ marginTop: 8 }}>
        <Button disabled={page <= 1} onClick={() => setSearch({ page: String(page - 1) })}>
          ‹
        </Button>
        <Typography.Text>{page}</Typography.Text>
        <Button disabled={!hasMore} onClick={() => setSearch({ page: String(page + 1) })}>
          ›
        </Button>
      </Space>
    </div>
  );
}
