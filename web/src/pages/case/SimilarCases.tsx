import { Alert, App, Button, Empty, List, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { SafeText } from '../../components/SafeText.tsx';
import { LevelTag, StateTag } from '../../components/Tags.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { Link } from '../../lib/router.tsx';
import type { SimilarAnswer, SimilarCase } from '../../lib/types.ts';

const SHORT = 160;

/** A reply's text, its first lines until unfolded. */
function ReplyText({ body }: { body: string }) {
  const [open, setOpen] = useState(false);
  const long = body.length > SHORT;
  return (
    <Typography.Paragraph style={{ marginBottom: 4, whiteSpace: 'pre-wrap' }} data-testid="similar-reply">
      <SafeText text={open || !long ? body : `${body.slice(0, SHORT)}…`} />
      {long && !open && (
        <Button type="link" size="small" onClick={() => setOpen(true)}>
          {t('web.similar.more')}
        </Button>
      )}
    </Typography.Paragraph>
  );
}

/**
 * Past cases at hand (相似案例): answered cases like this post or case, found locally, with their
 * approved reply, outcome and department. "以此为起点" copies a reply into a new draft through the
 * ordinary drafting call (`from_response`), which checks that the viewer may see the past case;
 * `onStart` answers the note to show.
 */
export function SimilarCases({ path, onStart, startLabel }: { path: string; onStart?: (c: SimilarCase) => Promise<string>; startLabel?: string }) {
  const { message } = App.useApp();
  const similar = useLoad((signal) => api.get<SimilarAnswer>(path, undefined, { signal }), [path]);
  const { run, busy } = useAction();
  if (similar.error) return <Alert type="error" showIcon message={similar.error.message} />;
  if (!similar.data) return <Spin />;
  const { words, cases } = similar.data;
  return (
    <div data-testid="similar-cases">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('web.similar.help')}
        {words.length > 0 && (
          <>
            <br />
            {t('web.similar.words')}：{words.slice(0, 12).join('、')}
          </>
        )}
      </Typography.Paragraph>
      {cases.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('web.similar.none')} />
      ) : (
        <List
          itemLayout="vertical"
          dataSource={cases}
          renderItem={(c) => (
            <List.Item key={c.id} data-testid="similar-case">
              <Space wrap size={4} style={{ marginBottom: 4 }}>
                <Link to={`/cases/${c.id}`}>
                  {c.number} <SafeText text={c.title} />
                </Link>
                <StateTag state={c.state} />
                <LevelTag level={c.level} />
                <Tag color="blue">{t('web.similar.score', { score: c.score.toFixed(2) })}</Tag>
              </Space>
              <div style={{ fontSize: 12, color: '#666' }}>
                <Space wrap size={12}>
                  <span>
                    {c.department ?? '—'}
                    {c.department_phone ? ` ${c.department_phone}` : ''}
                  </span>
                  <span>{fmtTime(c.closed_at ?? c.opened_at)}</span>
                  <span>{t('web.similar.feedback', c.feedback)}</span>
                </Space>
              </div>
              {c.shared_words.length > 0 && (
                <div style={{ marginTop: 4 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('web.similar.shared')}：
                  </Typography.Text>
                  {c.shared_words.slice(0, 8).map((w) => (
                    <Tag key={w} color="gold">
                      {w}
                    </Tag>
                  ))}
                </div>
              )}
              {c.reply ? (
                <div style={{ marginTop: 8, background: '#f6ffed', padding: '6px 10px', borderRadius: 4 }}>
                  <Space size={4} wrap>
                    <Typography.Text strong style={{ fontSize: 12 }}>
                      {t('web.similar.reply')}
                    </Typography.Text>
                    {c.reply.department && <Tag>{c.reply.department}</Tag>}
                    {c.reply.verified_at ? <Tag color="green">{t('web.similar.verified')}</Tag> : c.reply.posted_at ? <Tag color="cyan">{t('web.similar.posted')}</Tag> : null}
                  </Space>
                  <ReplyText body={c.reply.body} />
                  {onStart && (
                    <Tooltip title={t('web.similar.startHelp')}>
                      <Button size="small" loading={busy} data-testid="similar-start" onClick={() => void run(() => onStart(c)).then((note) => note && void message.success(note))}>
                        {startLabel ?? t('web.similar.start')}
                      </Button>
                    </Tooltip>
                  )}
                </div>
              ) : (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('web.similar.noReply')}
                </Typography.Text>
              )}
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
