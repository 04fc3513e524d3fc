import { provinceMonth } from '@repo/calendar';
import { arrearsRuns } from '../../src/dues/dues';
import type { Bill } from '../../src/dues/dues';

const bill = (month: string): Bill =>
  ({ id: month, memberId: 'm', month, amountFen: 100, paidFen: 0, owedFen: 100, arrearsWarnedAt: '' }) as Bill;

describe('arrears runs', () => {
  test('consecutive calendar months form one run, across a year end', () => {
    const runs = arrearsRuns(['2023-11', '2023-12', '2024-01', '2024-03', '2024-04'].map(bill));
    expect(runs.map((run) => run.map((b) => b.month))).toEqual([
      ['2023-11', '2023-12', '2024-01'],
      ['2024-03', '2024-04'],
    ]);
  });

  test('no unpaid bills, no runs', () => {
    expect(arrearsRuns([])).toEqual([]);
  });
});

describe('the month in China', () => {
  test('UTC+8: late on the last day of a month in UTC is already the next month', () => {
    expect(provinceMonth(new Date('2024-01-31T15:59:59Z'))).toBe('2024-01');
    expect(provinceMonth(new Date('2024-01-31T16:00:00Z'))).toBe('2024-02');
  });
});
