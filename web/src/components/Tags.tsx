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
