import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanCues } from './cue-set.ts';
import { findCollective, findMatters, findRumourCues } from './matters.ts';
import { compileSensitive, DEFAULT_SENSITIVE_TERMS, findSensitive } from './sensitive.ts';
import { normalize } from '../text/normalize.ts';

const TEXTS = [
  '网传幸福花园起火，有人被困，上了热搜，据说是拆迁补偿没谈拢，有人拉横幅堵路维权',
  '听说物业费涨价了，业主集体上访，草菅人命！转疯了，媒体曝光后上访的人更多了',
  '城北公园的樱花开了，欢迎市民周末来赏花',
  '',
];

test('one pass over the text finds the same sensitive terms, matters and rumour cues, in the same order, as one scan per kind', () => {
  const lists = [compileSensitive(DEFAULT_SENSITIVE_TERMS, normalize), compileSensitive(['上访', '上访', '拉横幅', '草菅人命', '热搜'], normalize), compileSensitive([], normalize)];
  for (const text of TEXTS) {
    for (const list of [...lists, null]) {
      const got = scanCues(text, list);
      assert.deepEqual(got, { sensitive: list ? findSensitive(list, text) : [], matters: findMatters(text), rumour: findRumourCues(text), collective: findCollective(text) }, text);
    }
  }
  const one = scanCues(TEXTS[1], lists[1]);
  assert.deepEqual(one.sensitive, ['上访', '草菅人命']);
  assert.deepEqual(one.rumour, ['听说']);
  assert.deepEqual(one.matters.map((m) => m.kind), ['morals', 'interests', 'hotspot']);
  assert.deepEqual(one.collective, ['集体上访']);
  assert.deepEqual(scanCues(TEXTS[0], null).collective, ['拉横幅', '堵路']);
});
