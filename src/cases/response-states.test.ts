import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTable } from '../../test/helpers/transitions.ts';
import { RESPONSE_MOVES, responseStatusLabel } from './response-states.ts';

test('response statuses: drafted → submitted → approved or returned → posted, and nothing else', () => {
  assertTable(
    RESPONSE_MOVES,
    {
      edit: { draft: 'draft', returned: 'returned' },
      attach: { draft: 'draft', submitted: 'submitted', returned: 'returned', approved: 'approved' },
      submit: { draft: 'submitted', returned: 'submitted' },
      approve: { submitted: 'approved' },
      return: { submitted: 'returned' },
      post: { approved: 'posted' },
    },
    responseStatusLabel,
  );
});

test('a refused response move says so in Chinese', () => {
  assert.throws(() => RESPONSE_MOVES.next('posted', 'edit'), { userMessage: '回复当前状态为“已发布”，不能执行此操作' });
  assert.throws(() => RESPONSE_MOVES.next('draft', 'approve'), { status: 409, userMessage: '回复当前状态为“草稿”，不能执行此操作' });
});
