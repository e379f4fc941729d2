import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, List, Radio, Result, Row, Select, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ExternalLink, SafeText } from '../components/SafeText.tsx';
import { AppealTag, EmotionTag, LevelTag, SentimentTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtPublished, fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { may } from '../lib/permissions.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import { SimilarCases } from './case/SimilarCases.tsx';
import type { AnalysisResult, CaseRow, Correction, Department, ModelInfo, PostDetail as Post, SimilarCase } from '../lib/types.ts';

function Reasons({ title, items, testId }: { title: string; items: string[]; testId?: string }) {
  if (!items.length) return null;
  return (
    <div style={{ marginBottom: 8 }} data-testid={testId}>
      <Typography.Text strong>{title}</Typography.Text>
      <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
        {items.map((r, i) => (
          <li key={i}>
            <SafeText text={r} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** WHY the post was classified so: rule terms, sentiment cues, risk reasons, topic and routing. */
function Why({ a }: { a: AnalysisResult }) {
  return (
    <div data-testid="post-why">
      {a.rules.length > 0 && (
        <div style={{ marginBottom: 8 }}>
          <Typography.Text strong>{t('web.posts.whyRules')}</Typography.Text>
          {a.rules.map((r) => (
            <div key={r.rule} style={{ marginTop: 4 }}>
              <Tag color="geekblue">{r.rule}</Tag>
              {[...new Set(r.hits.map((h) => h.term))].map((term) => (
                <Tag key={term} color="gold">
                  {term}
                </Tag>
              ))}
            </div>
          ))}
        </div>
      )}
      <Reasons title={`${t('web.posts.whySentiment')}（${tk('web.sentiment', a.sentiment.label)} ${a.sentiment.score.toFixed(2)}）`} items={a.sentiment.reasons} />
      {a.appeal && <Reasons title={`${t('web.signal.whyAppeal')}（${tk('web.appeal', a.appeal.label)}）`} items={a.appeal.reasons} testId="why-appeal" />}
      {a.emotion && <Reasons title={`${t('web.signal.whyEmotion')}（${tk('web.emotion', a.emotion.label)}）`} items={a.emotion.reasons} testId="why-emotion" />}
      <Reasons title={`${t('web.posts.whyRisk')}（${tk('web.level', a.risk.level)} ${a.risk.score.toFixed(0)}）`} items={a.risk.reasons} testId="why-risk" />
      <Reasons title={`${t('web.posts.whyTopic')}${a.topic ? `（${a.topic}）` : ''}`} items={a.topicReasons} />
      <Reasons title={t('web.posts.whyDepartment')} items={a.departmentReasons} />
      {a.abuse.flagged && <Reasons title={t('web.posts.whyAbuse')} items={a.abuse.reasons} />}
      {a.keywords.length > 0 && (
        <div>
          <Typography.Text strong>{t('web.posts.keywords')}</Typography.Text>{' '}
          {a.keywords.slice(0, 12).map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
        </div>
      )}
    </div>
  );
}

/** What the learned models of these fields learned, and when (or that none is trained yet), truthfully. */
function Learned({ names }: { names: ('sentiment' | 'appeal' | 'emotion')[] }) {
  const models = useLoad((signal) => api.get<ModelInfo[]>('/api/models', undefined, { signal }).catch(() => [] as ModelInfo[]), []);
  if (!models.data) return null;
  return (
    <div data-testid="post-learned">
      {names.map((name) => {
        const m = models.data!.find((x) => x.name === name);
        const label = tk('web.signal', `${name}Model`);
        const text = m
          ? t('web.signal.learned', { examples: m.examples, classes: m.classes.map((c, i) => `${tk(`web.${name}`, c)} ${m.counts[i] ?? 0}`).join('、'), at: fmtTime(m.trainedAt) })
          : t('web.signal.notYet');
        return (
          <div key={name}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {label}：{text}
            </Typography.Text>
          </div>
        );
      })}
    </div>
  );
}

/** One-click correction of sentiment, appeal type, emotion, topic or department: in effect at once, and learned. */
function Correct({ post, onDone }: { post: Post; onDone: () => void }) {
  const { run } = useAction();
  const { message } = App.useApp();
  const deps = useLoad((signal) => api.get<Department[]>('/api/departments', undefined, { signal }), []);
  const [topic, setTopic] = useState('');
  const [seen, setSeen] = useState(0);
  const send = async (body: Record<string, string>) => {
    const res = await run(() => api.post<Correction>(`/api/posts/${post.id}/labels`, body));
    if (res) {
      void message.success(t('web.signal.reached', { n: Math.max(0, res.reach.length - 1) }));
      setSeen((n) => n + 1);
      onDone();
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="post-correct">
      <Typography.Text type="secondary">{t('web.signal.correctHint')}</Typography.Text>
      <Radio.Group
        optionType="button"
        buttonStyle="solid"
        value={post.sentiment_label}
        options={['negative', 'neutral', 'positive'].map((s) => ({ value: s, label: tk('web.sentiment', s) }))}
        onChange={(e) => void send({ sentiment: e.target.value })}
      />
      <Radio.Group
        optionType="button"
        size="small"
        value={post.appeal_label}
        options={['complaint', 'help', 'inquiry', 'suggestion', 'praise'].map((s) => ({ value: s, label: tk('web.appeal', s) }))}
        onChange={(e) => void send({ appeal: e.target.value })}
        data-testid="correct-appeal"
      />
      <Radio.Group
        optionType="button"
        size="small"
        value={post.emotion_label}
        options={['angry', 'sad', 'fear', 'happy', 'surprise', 'neutral'].map((s) => ({ value: s, label: tk('web.emotion', s) }))}
        onChange={(e) => void send({ emotion: e.target.value })}
        data-testid="correct-emotion"
      />
      <Select
        style={{ width: '100%' }}
        placeholder={t('web.posts.department')}
        value={deps.data?.find((d) => d.id === post.department_id)?.code}
        options={(deps.data ?? []).map((d) => ({ value: d.code, label: d.name }))}
        onChange={(v: string) => void send({ department: v })}
      />
      <Input.Search placeholder={post.topic ?? t('web.posts.topic')} value={topic} onChange={(e) => setTopic(e.target.value)} enterButton={t('web.posts.correct')} onSearch={(v) => v.trim() && void send({ topic: v.trim() }).then(() => setTopic(''))} />
      <Learned key={seen} names={['sentiment', 'appeal', 'emotion']} />
    </Space>
  );
}

export default function PostDetailPage({ params }: { params: Record<string, string> }) {
  const id = Number(params.id);
  const me = useMe();
  const { navigate } = useRouter();
  const { run, busy } = useAction();
  const post = useLoad((signal) => api.get<Post>(`/api/posts/${id}`, undefined, { signal }), [id]);
  const p = post.data;
  if (post.error && !p) return <Result status="404" title={post.error.message} extra={<Link to="/posts">{t('web.posts.back')}</Link>} />;
  if (!p) return <Spin style={{ display: 'block', margin: 48 }} />;
  const terms = [...new Set((p.analysis?.rules ?? []).flatMap((r) => r.hits.map((h) => h.term)))];
  const openCase = async () => {
    const c = await run(() => api.post<CaseRow>('/api/cases', { post_ids: [p.id] }));
    if (c) navigate(`/cases/${c.id}`);
  };
  /**
   * 以此为起点 from the post: a case for it, then a draft from the past reply once the case may be
   * drafted (a case still 待研判 is drafted from its own 相似案例 tab after it is assigned).
   */
  const startFrom = async (s: SimilarCase): Promise<string> => {
    const c = await api.post<CaseRow>('/api/cases', { post_ids: [p.id] });
    const drafted = c.state !== 'triage';
    if (drafted) await api.post(`/api/cases/${c.id}/responses`, { from_response: s.reply?.id });
    navigate(`/cases/${c.id}`);
    return drafted ? t('web.similar.started') : t('web.similar.afterAssign');
  };
  return (
    <div className="ms-page">
      <Link to="/posts">
        <ArrowLeftOutlined /> {t('web.posts.back')}
      </Link>
      <Typography.Title level={4} data-testid="post-title">
        <SafeText text={p.title} highlight={terms} />
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <LevelTag level={p.risk_level} />
        <SentimentTag label={p.sentiment_label} score={p.sentiment_score} />
        <AppealTag label={p.appeal_label} />
        <EmotionTag label={p.emotion_label} always />
        {p.abuse === 1 && <Tag color="purple">{t('web.posts.abuse')}</Tag>}
        {p.topic && <Tag>{p.topic}</Tag>}
        {p.event_id && <Link to={`/events/${p.event_id}`}>{t('web.posts.event')} #{p.event_id}</Link>}
        {may(me.role, 'cases.open') && (
          <Button size="small" onClick={() => void openCase()} loading={busy}>
            {t('web.posts.openCase')}
          </Button>
        )}
        {may(me.role, 'posts.label') && (
          <Button size="small" icon={<ReloadOutlined />} onClick={() => void run(() => api.post(`/api/posts/${p.id}/reanalyze`), t('web.app.saved')).then(() => post.reload())}>
            {t('web.posts.reanalyze')}
          </Button>
        )}
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={15}>
          <Card size="small">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 8 }}>
              <Descriptions.Item label={t('web.posts.source')}>{p.source}</Descriptions.Item>
              <Descriptions.Item label={t('web.posts.author')}>
                <SafeText text={p.author ?? '—'} />
              </Descriptions.Item>
              <Descriptions.Item label={t('web.posts.time')}>
                {p.published_at ? fmtPublished(p.published_at, p.published_precision) : fmtTime(p.fetched_at)}
                {p.standing && <Tag style={{ marginLeft: 8 }} title={tk('web.posts.standingHint', p.standing)}>{tk('web.posts.standing', p.standing)}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('web.posts.original')}>
                <ExternalLink url={p.url}>{t('web.common.open')}</ExternalLink>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('web.posts.metrics', { views: p.views, replies: p.replies_count, likes: p.likes, reposts: p.reposts })}
            </Typography.Text>
            <div style={{ marginTop: 12, fontSize: 15, lineHeight: 1.8 }} data-testid="post-text">
              <SafeText text={p.text} highlight={terms} />
            </div>
            {p.near_duplicate_of && <Alert style={{ marginTop: 12 }} type="info" message={<Link to={`/posts/${p.near_duplicate_of}`}>{t('web.posts.nearDuplicate', { id: p.near_duplicate_of })}</Link>} />}
          </Card>
          <Card size="small" title={`${t('web.posts.replies')} (${p.replies.length})`} style={{ marginTop: 12 }}>
            {p.replies.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('web.posts.noReplies')} />
            ) : (
              <List
                size="small"
                dataSource={p.replies}
                renderItem={(r) => (
                  <List.Item style={{ background: r.ours ? '#f6ffed' : undefined }}>
                    <div>
                      <Space size={4}>
                        <Typography.Text strong>
                          <SafeText text={r.author ?? '—'} />
                        </Typography.Text>
                        {r.ours && <Tag color="green">{t('web.posts.ourReply')}{r.responder_name ? ` · ${r.responder_name}` : ''}</Tag>}
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {fmtTime(r.published_at)}
                        </Typography.Text>
                      </Space>
                      <div>
                        <SafeText text={r.text} />
                      </div>
                    </div>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('web.posts.why')}>
            {p.analysis ? <Why a={p.analysis} /> : <Typography.Text type="secondary">{t('web.posts.notAnalyzed')}</Typography.Text>}
          </Card>
          {may(me.role, 'cases.read') && (
            <Card size="small" title={t('web.similar.title')} style={{ marginTop: 12 }}>
              <SimilarCases path={`/api/posts/${p.id}/similar-cases`} onStart={may(me.role, 'cases.open') && may(me.role, 'cases.draft') ? startFrom : undefined} startLabel={t('web.similar.startFromPost')} />
            </Card>
          )}
          {may(me.role, 'posts.label') && (
            <Card size="small" title={t('web.posts.correct')} style={{ marginTop: 12 }}>
              <Correct post={p} onDone={post.reload} />
            </Card>
          )}
          {p.near_duplicates.length > 0 && (
            <Card size="small" style={{ marginTop: 12 }}>
              <List
                size="small"
                dataSource={p.near_duplicates}
                renderItem={(d) => (
                  <List.Item>
                    <Link to={`/posts/${d.id}`}>
                      <SafeText text={d.title} />
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {d.source}
                    </Typography.Text>
                  </List.Item>
                )}
              />
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
