import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTable } from '../../test/helpers/transitions.ts';
import { t } from '../i18n/index.ts';
import { COMMITMENT_MOVES } from './commitment-states.ts';

test('commitment statuses: open until done or waived, once', () => {
  assertTable(COMMITMENT_MOVES, { complete: { open: 'done' }, waive: { open: 'waived' } }, (s) => t(`commitment.status.${s}`));
});

test('a refused commitment move says so in Chinese', () => {
  assert.throws(() => COMMITMENT_MOVES.next('done', 'waive'), { status: 409, userMessage: '该整改承诺已完成，不能重复操作' });
  assert.throws(() => COMMITMENT_MOVES.next('waived', 'complete'), { userMessage: '该整改承诺已豁免，不能重复操作' });
});
