import {
  applyRate,
  arrearsWarningMonths,
  consecutiveArrears,
  duesRules,
  inArrearsWarning,
  maxMonthlyIncomeFen,
  paidUpTo,
  quoteDues,
  unpaidMonths,
  type DuesBill,
  type DuesCategory,
} from '../../src/domain/dues';
import { domainErrorOf } from '@repo/errors/testing';

const failure = domainErrorOf;

describe('rounding: half up to the fen, integers only', () => {
  test.each([
    [100, 50, 1], // 0.5 fen -> 1
    [99, 50, 0], // 0.495 fen -> 0
    [300_050, 100, 3001], // 3000.5 -> 3001
    [300_049, 100, 3000], // 3000.49 -> 3000
    [500_001, 150, 7500], // 7500.015 -> 7500
    [333_333, 150, 5000], // 4999.995 -> 5000
    [0, 200, 0],
  ])('%i fen at %i bp is %i fen', (basis, bp, expected) => {
    expect(applyRate(basis, bp)).toBe(expected);
  });

  test('the largest accepted income stays exact', () => {
    expect(applyRate(maxMonthlyIncomeFen, 200)).toBe(2_000_000);
    expect(Number.isSafeInteger(maxMonthlyIncomeFen * 200)).toBe(true);
  });
});

describe('in-service members', () => {
  // [monthly income, rate bp, dues, bracket]
  test.each([
    [0, 50, 0, 'inService <= 3000 yuan'],
    [300_000, 50, 1500, 'inService <= 3000 yuan'],
    [300_001, 100, 3000, 'inService <= 5000 yuan'],
    [500_000, 100, 5000, 'inService <= 5000 yuan'],
    [500_001, 150, 7500, 'inService <= 10000 yuan'],
    [1_000_000, 150, 15000, 'inService <= 10000 yuan'],
    [1_000_001, 200, 20000, 'inService > 10000 yuan'],
    [maxMonthlyIncomeFen, 200, 2_000_000, 'inService > 10000 yuan'],
  ])('%i fen a month: %i bp, %i fen', (incomeFen, rateBasisPoints, monthlyFen, bracket) => {
    expect(quoteDues({ category: 'inService', incomeFen })).toEqual({
      category: 'inService',
      monthlyFen,
      rateBasisPoints,
      basisFen: incomeFen,
      bracket,
    });
  });
});

describe('retired members', () => {
  test.each([
    [0, 50, 0],
    [500_000, 50, 2500],
    [500_001, 100, 5000],
    [800_000, 100, 8000],
  ])('%i fen a month: %i bp, %i fen', (incomeFen, rateBasisPoints, monthlyFen) => {
    expect(quoteDues({ category: 'retired', incomeFen })).toMatchObject({ rateBasisPoints, monthlyFen, basisFen: incomeFen });
  });
});

describe('annual salary members: in-service rate on last year monthly average', () => {
  // [annual income, monthly average, rate bp, dues]
  test.each([
    [0, 0, 50, 0],
    [3_600_000, 300_000, 50, 1500],
    [3_600_011, 300_000, 50, 1500], // the average is floored: 300000.9 stays in the first bracket
    [3_600_012, 300_001, 100, 3000],
    [6_000_000, 500_000, 100, 5000],
    [6_000_012, 500_001, 150, 7500],
    [12_000_000, 1_000_000, 150, 15000],
    [12_000_012, 1_000_001, 200, 20000],
  ])('%i fen a year: basis %i, %i bp, %i fen', (incomeFen, basisFen, rateBasisPoints, monthlyFen) => {
    expect(quoteDues({ category: 'annualSalary', incomeFen })).toMatchObject({ basisFen, rateBasisPoints, monthlyFen });
  });

  test('annual income may be up to twelve times the monthly limit', () => {
    expect(quoteDues({ category: 'annualSalary', incomeFen: maxMonthlyIncomeFen * 12 }).basisFen).toBe(maxMonthlyIncomeFen);
    expect(failure(() => quoteDues({ category: 'annualSalary', incomeFen: maxMonthlyIncomeFen * 12 + 1 })).details).toHaveProperty(
      'incomeFen',
    );
  });
});

describe('flat-rate and exempt members', () => {
  test.each(['student', 'unemployed', 'minimumLiving'] as const)('%s pays 20 fen whatever the income', (category) => {
    expect(quoteDues({ category })).toEqual({ category, monthlyFen: 20, rateBasisPoints: 0, basisFen: 0, bracket: 'flat 0.2 yuan' });
    expect(quoteDues({ category, incomeFen: 900_000 }).monthlyFen).toBe(20);
  });

  test('exempt members pay nothing', () => {
    expect(quoteDues({ category: 'exempt' })).toMatchObject({ monthlyFen: 0, bracket: 'exempt' });
  });

  test('the table covers every category', () => {
    expect(Object.keys(duesRules).sort()).toEqual(
      ['annualSalary', 'exempt', 'inService', 'minimumLiving', 'retired', 'student', 'unemployed'].sort(),
    );
  });
});

describe('invalid input names the field', () => {
  test.each([
    [-1, 'must not be negative'],
    [1500.5, 'must be a whole number of fen'],
    [Number.NaN, 'must be a whole number of fen'],
    [Number.POSITIVE_INFINITY, 'must be a whole number of fen'],
    [maxMonthlyIncomeFen + 1, `must be at most ${maxMonthlyIncomeFen} fen`],
  ])('income %p', (incomeFen, problem) => {
    const err = failure(() => quoteDues({ category: 'inService', incomeFen }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.kind).toBe('invalidArgument');
    expect(err.details).toEqual({ incomeFen: problem });
  });

  test('the limit itself is accepted', () => {
    expect(quoteDues({ category: 'retired', incomeFen: maxMonthlyIncomeFen }).monthlyFen).toBe(1_000_000);
  });

  test('bracket categories need an income', () => {
    expect(failure(() => quoteDues({ category: 'retired' })).details).toHaveProperty('incomeFen');
  });

  test('flat-rate members still may not send a malformed income', () => {
    expect(failure(() => quoteDues({ category: 'student', incomeFen: -5 })).details).toHaveProperty('incomeFen');
  });

  test('unknown category', () => {
    const err = failure(() => quoteDues({ category: 'farmer' as DuesCategory, incomeFen: -1 }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details).sort()).toEqual(['category', 'incomeFen']);
  });
});

const bill = (month: string, amountFen: number, paidFen: number): DuesBill => ({ month, amountFen, paidFen });

describe('arrears', () => {
  const bills = [
    bill('2026-01', 1500, 1500),
    bill('2026-02', 1500, 1000), // partly paid is unpaid
    bill('2026-03', 1500, 0),
    bill('2026-04', 1500, 1600), // overpaid counts as paid
    bill('2026-05', 1500, 0),
    bill('2026-06', 0, 0), // nothing due
    bill('2026-07', 1500, 0),
  ];

  test('unpaid months up to and including the month asked, oldest first', () => {
    expect(unpaidMonths(bills, '2026-06')).toEqual(['2026-02', '2026-03', '2026-05']);
    expect(unpaidMonths(bills, '2026-07')).toEqual(['2026-02', '2026-03', '2026-05', '2026-07']);
    expect(unpaidMonths([...bills].reverse(), '2026-03')).toEqual(['2026-02', '2026-03']);
  });

  test('the longest run of consecutive unpaid months', () => {
    expect(consecutiveArrears(bills, '2026-07')).toBe(2);
    expect(consecutiveArrears(bills, '2026-02')).toBe(1);
    expect(consecutiveArrears(bills, '2026-01')).toBe(0);
    expect(consecutiveArrears([], '2026-01')).toBe(0);
  });

  test('a run crosses the new year', () => {
    const run = ['2025-11', '2025-12', '2026-01'].map((m) => bill(m, 20, 0));
    expect(consecutiveArrears(run, '2026-01')).toBe(3);
  });

  test('a month without a bill breaks the run', () => {
    expect(consecutiveArrears([bill('2026-01', 20, 0), bill('2026-03', 20, 0)], '2026-03')).toBe(1);
  });

  const months = (from: number, count: number) => Array.from({ length: count }, (_, i) => `2026-${String(from + i).padStart(2, '0')}`);

  test(`the warning starts at ${arrearsWarningMonths} consecutive months`, () => {
    expect(arrearsWarningMonths).toBe(6);
    const five = months(1, 5).map((m) => bill(m, 1500, 0));
    const six = months(1, 6).map((m) => bill(m, 1500, 0));
    expect(inArrearsWarning(five, '2026-12')).toBe(false);
    expect(inArrearsWarning(six, '2026-12')).toBe(true);
    // Paying the latest month does not wipe out six older unpaid months.
    expect(inArrearsWarning([...six, bill('2026-07', 1500, 1500)], '2026-07')).toBe(true);
    // Months after asOf do not count yet.
    expect(inArrearsWarning(six, '2026-05')).toBe(false);
  });

  test('paid up to a month: every bill up to and including it is fully paid', () => {
    expect(paidUpTo(bills, '2026-01')).toBe(true);
    expect(paidUpTo(bills, '2026-02')).toBe(false);
    const settled = [bill('2026-01', 1500, 1500), bill('2026-02', 1500, 1500), bill('2026-03', 1500, 0)];
    expect(paidUpTo(settled, '2026-02')).toBe(true);
    expect(paidUpTo(settled, '2026-03')).toBe(false);
    expect(paidUpTo([], '2026-03')).toBe(true);
  });

  test('malformed bills and months name the field', () => {
    const err = failure(() => paidUpTo([bill('2026-1', 1500, 0), bill('2026-02', 10.5, -1)], '2026-13'));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details).sort()).toEqual(['bills[0].month', 'bills[1].amountFen', 'bills[1].paidFen', 'month']);
    expect(failure(() => unpaidMonths([], '2026/01')).details).toHaveProperty('asOfMonth');
  });
});
