import { defaultPointsRules, pointsEnabled, pointsFor, pointsRulesOn, validatePointsRules } from '../../src/domain/points';
import { expectDomainError } from '../errors';

test('points within the action cap and the daily maximum', () => {
  const rules = {
    ...defaultPointsRules,
    rules: [
      { action: 'unitCompleted' as const, points: 3, dailyCap: 7 },
      { action: 'examPassed' as const, points: 5, dailyCap: 0 },
    ],
    dailyMaximum: 10,
  };
  expect(pointsFor(rules, 'unitCompleted', { total: 0, byAction: {} })).toBe(3);
  expect(pointsFor(rules, 'unitCompleted', { total: 6, byAction: { unitCompleted: 6 } })).toBe(1);
  expect(pointsFor(rules, 'unitCompleted', { total: 7, byAction: { unitCompleted: 7 } })).toBe(0);
  expect(pointsFor(rules, 'examPassed', { total: 7, byAction: { unitCompleted: 7 } })).toBe(3);
});

test('versions take effect on their date and never reach back', () => {
  const v2 = { ...defaultPointsRules, version: 'v2', effectiveFrom: '2027-01-01', dailyMaximum: 20 };
  expect(pointsRulesOn([v2], '2026-12-31')).toBe(defaultPointsRules);
  expect(pointsRulesOn([v2], '2027-01-01')).toBe(v2);
  expectDomainError(() => validatePointsRules(v2, [], '2027-02-01'), 'LEARNING_RULES_RETROACTIVE');
  expectDomainError(
    () => validatePointsRules({ ...v2, rules: [{ action: 'liked' as never, points: 1, dailyCap: 0 }] }, [], '2026-12-01'),
    'VALIDATION_FAILED',
    { 'rules[0].action': expect.any(String) },
  );
});

test('off unless a node or one above it turns points on; the nearest setting wins', () => {
  const covering = ['/', '/1/', '/1/7/'];
  expect(pointsEnabled(new Map(), covering)).toBe(false);
  expect(pointsEnabled(new Map([['/1/', true]]), covering)).toBe(true);
  expect(
    pointsEnabled(
      new Map([
        ['/1/', true],
        ['/1/7/', false],
      ]),
      covering,
    ),
  ).toBe(false);
});
