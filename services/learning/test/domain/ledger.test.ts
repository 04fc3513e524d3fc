import { splitByYear, totalsOf } from '../../src/domain/ledger';

test('totals by kind, offline sessions counted once each', () => {
  expect(
    totalsOf([
      { kind: 'online', quarterHours: 4, sessionKey: '' },
      { kind: 'offline', quarterHours: 32, sessionKey: 'session:u1' },
      { kind: 'offline', quarterHours: 16, sessionKey: 'session:u1' },
      { kind: 'offline', quarterHours: 32, sessionKey: 'session:t9' },
    ]),
  ).toEqual({ online: 4, offline: 80, offlineSessions: 2 });
});

test('a training crossing a year is split by its days in each year', () => {
  // 29-31 December and 1-2 January: 3 days and 2 days of 40 学时 (160 quarter-hours).
  expect(splitByYear('2025-12-29', '2026-01-02', 160)).toEqual([
    { year: 2025, date: '2025-12-29', quarterHours: 96 },
    { year: 2026, date: '2026-01-01', quarterHours: 64 },
  ]);
  // Whole quarters that add up: 7 days of 10 quarter-hours, 3 in one year and 4 in the next.
  const split = splitByYear('2026-12-29', '2027-01-04', 10);
  expect(split.map((s) => s.quarterHours)).toEqual([4, 6]);
  expect(splitByYear('2026-05-01', '2026-05-03', 24)).toEqual([{ year: 2026, date: '2026-05-01', quarterHours: 24 }]);
});
