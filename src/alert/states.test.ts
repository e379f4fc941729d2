import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTable } from '../../test/helpers/transitions.ts';
import { t } from '../i18n/index.ts';
import { ALERT_MOVES, attentionOf, ATTENTION_MOVES } from './states.ts';

test('alert delivery: claimed before each send (again after a lost lease), then sent, retried, given up or folded', () => {
  assertTable(
    ALERT_MOVES,
    {
      claim: { pending: 'sending', sending: 'sending' },
      deliver: { sending: 'sent' },
      retry: { sending: 'pending' },
      giveUp: { sending: 'failed' },
      fold: { pending: 'digested', sending: 'digested' },
    },
    (s) => t(`alert.status.${s}`),
  );
  assert.throws(() => ALERT_MOVES.next('sent', 'claim'), { status: 409, userMessage: '预警当前状态为“已发送”，不能发送' });
});

test('alert attention: acknowledged (also after escalation) or escalated once, never after an acknowledgement', () => {
  assertTable(
    ATTENTION_MOVES,
    { acknowledge: { open: 'acknowledged', escalated: 'acknowledged' }, escalate: { open: 'escalated' } },
    (s) => t(`alert.attention.${s}`),
  );
  assert.equal(attentionOf({ acknowledged_at: null, escalated_at: null }), 'open');
  assert.equal(attentionOf({ acknowledged_at: null, escalated_at: '2026-10-01T00:00:00.000Z' }), 'escalated');
  assert.equal(attentionOf({ acknowledged_at: '2026-10-01T01:00:00.000Z', escalated_at: '2026-10-01T00:00:00.000Z' }), 'acknowledged');
  assert.throws(() => ATTENTION_MOVES.next('acknowledged', 'escalate'), { userMessage: '预警当前状态为“已确认”，不能升级' });
});
