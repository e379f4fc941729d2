import { Tag } from 'antd';
import { tk } from '../i18n.ts';

const LEVEL_COLORS: Record<string, string> = { blue: 'blue', yellow: 'gold', orange: 'orange', red: 'red' };
const STATE_COLORS: Record<string, string> = {
  triage: 'default',
  assigned: 'blue',
  drafting: 'cyan',
  awaiting_approval: 'gold',
  returned: 'magenta',
  replied: 'green',
  following_up: 'geekblue',
  closed: 'default',
  escalated: 'volcano',
};
const SENTIMENT_COLORS: Record<string, string> = { negative: 'red', neutral: 'default', positive: 'green' };

export function LevelTag({ level }: { level: string | null | undefined }) {
  if (!level) return null;
  return <Tag color={LEVEL_COLORS[level] ?? 'default'}>{tk('web.level', level)}</Tag>;
}

export function StateTag({ state }: { state: string }) {
  return <Tag color={STATE_COLORS[state] ?? 'default'}>{tk('web.state', state)}</Tag>;
}

export function SentimentTag({ label, score }: { label: string | null | undefined; score?: number | null }) {
  if (!label) return null;
  return (
    <Tag color={SENTIMENT_COLORS[label] ?? 'default'}>
      {tk('web.sentiment', label)}
      {typeof score === 'number' ? ` ${score.toFixed(2)}` : ''}
    </Tag>
  );
}

const APPEAL_COLORS: Record<string, string> = { complaint: 'volcano', help: 'magenta', inquiry: 'blue', suggestion: 'cyan', praise: 'green' };
const EMOTION_COLORS: Record<string, string> = { angry: 'red', sad: 'purple', fear: 'orange', happy: 'green', surprise: 'gold', neutral: 'default' };

/** 诉求类型 (complaint, help, inquiry, suggestion, praise). */
export function AppealTag({ label }: { label: string | null | undefined }) {
  if (!label) return null;
  return (
    <Tag color={APPEAL_COLORS[label] ?? 'default'} data-testid="appeal-tag">
      {tk('web.appeal', label)}
    </Tag>
  );
}

/** 情绪 (SMP2020-EWECT's six classes); "no clear emotion" shows nothing in lists. */
export function EmotionTag({ label, always }: { label: string | null | undefined; always?: boolean }) {
  if (!label || (label === 'neutral' && !always)) return null;
  return (
    <Tag color={EMOTION_COLORS[label] ?? 'default'} data-testid="emotion-tag">
      {tk('web.emotion', label)}
    </Tag>
  );
}
