import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelProviders } from './channels/index.ts';
import { maskSecrets, mergeSecrets, MissingEnvError, resolveEnvRefs, SECRET_MASK } from './secrets.ts';

describe('channel secrets', () => {
  const dingtalk = channelProviders.dingtalk;
  test('env references resolve at send time; a missing one is named', () => {
    assert.deepEqual(resolveEnvRefs({ accessToken: '${DT_TOKEN}', atMobiles: ['${PHONE}'] }, { DT_TOKEN: 'abc', PHONE: '138' }), { accessToken: 'abc', atMobiles: ['138'] });
    assert.throws(() => resolveEnvRefs({ secret: '${NOPE}' }, {}), (e: unknown) => e instanceof MissingEnvError && e.names[0] === 'NOPE');
  });
  test('clear secrets are masked, env references and other fields are not, tokens in URLs are masked', () => {
    const masked = maskSecrets(dingtalk, { accessToken: 'tok123', secret: '${DT_SECRET}', keyword: '舆情', baseUrl: 'https://x.example/robot/send?access_token=tok123&x=1' });
    assert.equal(masked.accessToken, SECRET_MASK);
    assert.equal(masked.secret, '${DT_SECRET}');
    assert.equal(masked.keyword, '舆情');
    assert.equal(masked.baseUrl, `https://x.example/robot/send?access_token=${SECRET_MASK}&x=1`);
  });
  test('a masked value given back keeps the stored secret; a new value replaces it', () => {
    const stored = { accessToken: 'tok123', secret: 'SECold' };
    assert.deepEqual(mergeSecrets(dingtalk, stored, { accessToken: SECRET_MASK, secret: 'SECnew' }), { accessToken: 'tok123', secret: 'SECnew' });
  });
});
