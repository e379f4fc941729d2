import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canOpen, landingPath, menuFor, NAV, ROLES } from './navigation.ts';

const all = new Set(NAV.map((n) => n.path));

test('each role lands where its work is', () => {
  assert.equal(landingPath('responder', all), '/alerts');
  assert.equal(landingPath('head', all), '/approvals');
  assert.equal(landingPath('leader', all), '/memos');
  assert.equal(landingPath('office', all), '/dashboard');
  assert.equal(landingPath('admin', all), '/settings/users');
});

test('landing falls back to the next page of the role when a page is not built', () => {
  const some = new Set(['/cases', '/settings/accounts', '/settings/users']);
  assert.equal(landingPath('responder', some), '/cases');
  assert.equal(landingPath('head', some), '/cases');
  assert.equal(landingPath('leader', some), '/settings/accounts');
});

test('settings that change the organisation are not in a responder menu and cannot be opened', () => {
  const menu = menuFor('responder', all).map((n) => n.path);
  assert.ok(menu.includes('/cases'));
  assert.ok(!menu.includes('/settings/audit'));
  assert.ok(!menu.includes('/settings/sources'));
  assert.equal(canOpen('responder', '/settings/audit'), false);
  assert.equal(canOpen('responder', '/cases/12'), true);
  assert.equal(canOpen('leader', '/settings/rules'), false);
});

test('every role has at least one page', () => {
  for (const role of ROLES) assert.ok(menuFor(role, all).length > 0, role);
});
