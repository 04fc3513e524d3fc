import { emptyTotals } from '../../src/domain/ledger';
import {
  assess,
  defaultRequirementSet,
  endedQuarters,
  setForYear,
  validateRequirementSet,
  type RequirementSet,
  type YearTotals,
} from '../../src/domain/requirements';
import { expectDomainError } from '../errors';

const member = { stage: 'full', posts: [], cadreLevel: '' } as const;
const secretary = { stage: 'full', posts: ['branchSecretary'], cadreLevel: '' } as const;
const countyCadre = { stage: 'full', posts: [], cadreLevel: 'countyDivision' } as const;
const townshipCadre = { stage: 'full', posts: [], cadreLevel: 'townshipSection' } as const;
const activist = { stage: 'activist', posts: [], cadreLevel: '' } as const;

const totals =
  (byYear: Record<number, Partial<YearTotals>>) =>
  (year: number): YearTotals => ({ ...emptyTotals, ...byYear[year] });
const codes = (standings: { code: string }[]) => standings.map((s) => s.code);

test('which rules apply to whom', () => {
  const set = defaultRequirementSet;
  expect(codes(assess(member, set, 2026, 4, totals({})))).toEqual(['memberAnnual']);
  expect(codes(assess(secretary, set, 2026, 4, totals({})))).toEqual(['memberAnnual', 'branchCadreAnnual']);
  expect(codes(assess(countyCadre, set, 2026, 4, totals({})))).toEqual(['memberAnnual', 'cadreOnlineAnnual', 'cadreCountyFiveYear']);
  expect(codes(assess(townshipCadre, set, 2026, 4, totals({})))).toEqual(['memberAnnual', 'cadreOnlineAnnual', 'cadreTownshipAnnual']);
  expect(codes(assess(activist, set, 2026, 4, totals({})))).toEqual([]);
});

test('a member needs 32 学时 a year, due pro rata by the quarters ended', () => {
  const [q2] = assess(member, defaultRequirementSet, 2026, 2, totals({ 2026: { online: 60, offline: 4 } }));
  // 32 学时 = 128 quarter-hours; half the year ended: 64 due, 64 earned.
  expect(q2).toMatchObject({ requiredQuarterHours: 128, expectedQuarterHours: 64, earnedQuarterHours: 64, onTrack: true, met: false });
  const [q3] = assess(member, defaultRequirementSet, 2026, 3, totals({ 2026: { online: 64 } }));
  expect(q3).toMatchObject({ expectedQuarterHours: 96, onTrack: false });
  const [end] = assess(member, defaultRequirementSet, 2026, 4, totals({ 2026: { online: 100, offline: 28 } }));
  expect(end).toMatchObject({ met: true, onTrack: true });
});

test('a branch secretary needs 56 学时 including one 集中培训, due by the year end', () => {
  const rule = (q: number, t: Partial<YearTotals>) =>
    assess(secretary, defaultRequirementSet, 2026, q, totals({ 2026: t })).find((s) => s.code === 'branchCadreAnnual')!;
  expect(rule(2, { online: 112 })).toMatchObject({ onTrack: true, met: false });
  expect(rule(4, { online: 224 })).toMatchObject({ met: false, onTrack: false, offlineSessions: 0, requiredOfflineSessions: 1 });
  expect(rule(4, { online: 192, offline: 32, offlineSessions: 1 })).toMatchObject({ met: true, onTrack: true });
});

test('a cadre needs 50 学时 online: offline hours do not count', () => {
  const rule = assess(
    townshipCadre,
    defaultRequirementSet,
    2026,
    4,
    totals({ 2026: { online: 100, offline: 400, offlineSessions: 5 } }),
  ).find((s) => s.code === 'cadreOnlineAnnual')!;
  expect(rule).toMatchObject({ requiredQuarterHours: 200, earnedQuarterHours: 100, met: false });
});

test('county cadres: 550 学时 over the five years ending with the year, not 110 a year', () => {
  const rule = (byYear: Record<number, Partial<YearTotals>>, q = 4) =>
    assess(countyCadre, defaultRequirementSet, 2026, q, totals(byYear)).find((s) => s.code === 'cadreCountyFiveYear')!;
  // 550 学时 = 2200 quarter-hours: all of it in 2022 counts, 2021 does not.
  expect(rule({ 2022: { offline: 2200 } })).toMatchObject({ windowYears: 5, earnedQuarterHours: 2200, met: true });
  expect(rule({ 2021: { offline: 2200 } })).toMatchObject({ earnedQuarterHours: 0, met: false });
  // 440 a year for five years meets it although no single year reaches "110 × 4".
  expect(
    rule({ 2022: { online: 440 }, 2023: { online: 440 }, 2024: { online: 440 }, 2025: { online: 440 }, 2026: { online: 440 } }),
  ).toMatchObject({ met: true });
  // Pro rata: at the start of the window's last year 4/5 are due.
  expect(rule({ 2022: { online: 1760 } }, 0)).toMatchObject({ expectedQuarterHours: 1760, onTrack: true });
  expect(rule({ 2022: { online: 1759 } }, 0)).toMatchObject({ onTrack: false });
});

test('township cadres: 90 学时 a year', () => {
  const rule = assess(townshipCadre, defaultRequirementSet, 2026, 4, totals({ 2026: { online: 200, offline: 160 } })).find(
    (s) => s.code === 'cadreTownshipAnnual',
  )!;
  expect(rule).toMatchObject({ requiredQuarterHours: 360, earnedQuarterHours: 360, met: true });
});

test('quarters ended by a date', () => {
  expect(endedQuarters(2026, '2026-03-31')).toBe(0);
  expect(endedQuarters(2026, '2026-04-01')).toBe(1);
  expect(endedQuarters(2026, '2026-12-06')).toBe(3);
  expect(endedQuarters(2025, '2026-01-01')).toBe(4);
  expect(endedQuarters(2027, '2026-12-06')).toBe(0);
});

const stricter: RequirementSet = {
  ...defaultRequirementSet,
  version: 'province-2028',
  effectiveFrom: '2028-01-01',
  rules: [{ ...defaultRequirementSet.rules[0]!, minimumQuarterHours: 160 }],
};

test('a set assesses the years from its 1 January on', () => {
  expect(setForYear([stricter], 2027)).toBe(defaultRequirementSet);
  expect(setForYear([stricter], 2028)).toBe(stricter);
  expect(setForYear([stricter], 2030)).toBe(stricter);
});

test('a new set starts with a coming year and is well formed', () => {
  expect(validateRequirementSet(stricter, [], '2026-12-06').version).toBe('province-2028');
  expectDomainError(() => validateRequirementSet({ ...stricter, effectiveFrom: '2027-07-01' }, [], '2026-12-06'), 'VALIDATION_FAILED', {
    effectiveFrom: expect.stringContaining('1 January'),
  });
  expectDomainError(
    () => validateRequirementSet({ ...stricter, effectiveFrom: '2026-01-01' }, [], '2026-12-06'),
    'LEARNING_RULES_RETROACTIVE',
  );
  const bad = {
    ...stricter,
    rules: [
      {
        ...stricter.rules[0]!,
        minimumQuarterHours: 0,
        counts: [],
        audience: { stages: [], posts: ['chairman' as never], cadreLevels: [] },
      },
    ],
  };
  expectDomainError(() => validateRequirementSet(bad, [], '2026-12-06'), 'VALIDATION_FAILED', {
    'rules[0].minimumQuarterHours': expect.any(String),
    'rules[0].counts': expect.any(String),
    'rules[0].audience.posts[0]': expect.any(String),
  });
  const twice = { ...stricter, rules: [stricter.rules[0]!, stricter.rules[0]!] };
  expectDomainError(() => validateRequirementSet(twice, [], '2026-12-06'), 'VALIDATION_FAILED', {
    'rules[1].code': expect.stringContaining('twice'),
  });
});
