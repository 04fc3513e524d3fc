import { expectDomainError } from '../errors';
import {
  defaultConversionTable,
  offlineDayHours,
  onlineUnitHours,
  tableInForce,
  validateConversionTable,
  type ConversionTable,
} from '../../src/domain/conversion';

const table = defaultConversionTable;

test.each([
  [45, false, 4],
  [30, false, 4],
  [29, false, 2],
  [15, false, 2],
  [14, false, 1],
  [1, false, 1],
  [30, true, 6],
  [10, true, 3],
])('an online unit of %i minutes (test passed: %s) earns %i quarter-hours', (minutes, passed, quarters) => {
  expect(onlineUnitHours(table, minutes, passed)).toBe(quarters);
});

test('offline: 8 学时 a full day, 4 a half day', () => {
  expect(offlineDayHours(table, 'fullDay')).toBe(32);
  expect(offlineDayHours(table, 'halfDay')).toBe(16);
});

const newer: ConversionTable = {
  ...table,
  version: 'province-2027',
  effectiveFrom: '2027-01-01',
  onlineBands: [
    { minMinutes: 45, quarterHours: 4 },
    { minMinutes: 0, quarterHours: 2 },
  ],
};

test('the table in force on a day is the latest effective by then', () => {
  expect(tableInForce([newer], '2026-12-31')).toBe(defaultConversionTable);
  expect(tableInForce([newer], '2027-01-01')).toBe(newer);
  expect(onlineUnitHours(tableInForce([newer], '2027-03-01'), 30, false)).toBe(2);
});

test('a table is complete, unambiguous and never reaches back', () => {
  expect(validateConversionTable(newer, [], '2026-12-06').version).toBe('province-2027');
  expectDomainError(
    () =>
      validateConversionTable(
        {
          ...newer,
          onlineBands: [
            { minMinutes: 15, quarterHours: 2 },
            { minMinutes: 30, quarterHours: 4 },
            { minMinutes: 0, quarterHours: 1 },
          ],
        },
        [],
        '2026-12-06',
      ),
    'VALIDATION_FAILED',
    { 'onlineBands[1].minMinutes': 'bands go from the longest to the shortest' },
  );
  expectDomainError(
    () => validateConversionTable({ ...newer, onlineBands: [{ minMinutes: 15, quarterHours: 2 }] }, [], '2026-12-06'),
    'VALIDATION_FAILED',
    { 'onlineBands[0].minMinutes': expect.stringContaining('start at 0') },
  );
  expectDomainError(() => validateConversionTable({ ...newer, offlineHalfDay: -4 }, [], '2026-12-06'), 'VALIDATION_FAILED', {
    offlineHalfDay: expect.any(String),
  });
  expectDomainError(() => validateConversionTable({ ...newer, basis: ' ' }, [], '2026-12-06'), 'VALIDATION_FAILED', {
    basis: expect.any(String),
  });
  expectDomainError(() => validateConversionTable(newer, [], '2027-02-01'), 'LEARNING_RULES_RETROACTIVE');
  expectDomainError(() => validateConversionTable(newer, [newer], '2026-12-06'), 'LEARNING_RULES_VERSION_TAKEN');
  expectDomainError(() => validateConversionTable({ ...newer, version: 'other' }, [newer], '2026-12-06'), 'LEARNING_RULES_DATE_TAKEN');
});
