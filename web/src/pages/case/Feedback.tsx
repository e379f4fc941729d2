import { Empty, List, Space, Statistic, Tag, Typography } from 'antd';
import { SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { fmtTime } from '../../lib/format.ts';
import type { CaseDetail } from '../../lib/types.ts';

/** The colours of what people said back, as the sentiment colours of the console (负面 red, 正面 green). */
export const FEEDBACK_COLORS: Record<string, string> = { satisfied: 'green', asking: 'orange', escalating: 'red', neutral: 'default' };

/** What people said back after our reply: counts per class and each item with the cues that decided it. */
export function Feedback({ c }: { c: CaseDetail }) {
  const { counts, items } = c.feedback;
  if (!c.replied_at) return <Empty description={t('web.feedback.notReplied')} />;
  return (
    <div data-testid="case-feedback">
      <Space size="large" wrap style={{ marginBottom: 12 }}>
        {(['satisfied', 'asking', 'escalating', 'neutral'] as const).map((k) => (
          <Statistic key={k} title={tk('web.feedback.class', k)} value={counts[k]} valueStyle={{ color: k === 'escalating' && counts[k] ? '#cf1322' : k === 'satisfied' && counts[k] ? '#389e0d' : undefined }} />
        ))}
      </Space>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('web.feedback.help')}
      </Typography.Paragraph>
      <List
        dataSource={items}
        locale={{ emptyText: t('web.feedback.none') }}
        renderItem={(f) => (
          <List.Item data-testid={`feedback-${f.class}`}>
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  <Tag color={FEEDBACK_COLORS[f.class]}>{tk('web.feedback.class', f.class)}</Tag>
                  {f.cues.map((cue) => (
                    <Tag key={cue}>{cue}</Tag>
                  ))}
                </Space>
              }
              description={
                <>
                  <div>
                    <SafeText text={f.excerpt} />
                  </div>
                  <div style={{ color: '#888', fontSize: 12 }}>
                    {f.author ?? ''} · {fmtTime(f.at)} · {f.post_reply_id === null ? t('web.feedback.post') : t('web.feedback.reply')}
                  </div>
                </>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
}
