import { Timeline, Typography } from 'antd';
import { t, tk } from '../../i18n.ts';
import { fmtTime } from '../../lib/format.ts';
import type { CaseEvent } from '../../lib/types.ts';
import { SafeText } from '../../components/SafeText.tsx';

/** The case history: every move and note, oldest first, with who did it. */
export function History({ events }: { events: CaseEvent[] }) {
  return (
    <Timeline
      items={events.map((e) => ({
        key: e.id,
        color: e.kind === 'close' ? 'green' : e.kind === 'return' || e.kind === 'escalate' ? 'red' : 'blue',
        children: (
          <div>
            <Typography.Text strong>{tk('web.caseEvent', e.kind)}</Typography.Text>
            {e.from_state && e.to_state && e.from_state !== e.to_state && (
              <Typography.Text type="secondary">
                {' '}
                {tk('web.state', e.from_state)} → {tk('web.state', e.to_state)}
              </Typography.Text>
            )}
            <div style={{ color: '#888', fontSize: 12 }}>
              {fmtTime(e.at)} · {e.actor_name ?? t('web.case.system')}
            </div>
            {e.comment && (
              <div>
                <SafeText text={e.comment} />
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}
