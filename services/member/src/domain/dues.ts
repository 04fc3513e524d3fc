/**
 * Party dues 党费: the monthly amount from income, and arrears over monthly bills.
 * Money is integer fen (分) and rates are basis points (1% = 100 bp), so every sum is exact
 * integer arithmetic; no float ever holds an amount. Pure rules: no I/O.
 */
import { validationFailed, type FieldViolation } from '@repo/errors';
import { isYearMonth, shiftMonth } from '@repo/calendar';

export const duesCategories = ['inService', 'retired', 'student', 'unemployed', 'minimumLiving', 'annualSalary', 'exempt'] as const;
/**
 * 在职, 离退休, 学生, 失业, 享受最低生活保障, 年薪制, 免交. annualSalary members (年薪制) pay the
 * in-service rate on last year's average monthly income.
 */
export type DuesCategory = (typeof duesCategories)[number];

export interface DuesBracket {
  /** Inclusive upper bound of monthly income in fen; null for the open top bracket. */
  upToFen: number | null;
  rateBasisPoints: number;
  label: string;
}

export type DuesRule =
  | {
      kind: 'brackets';
      /** 'monthly': incomeFen is this month's income; 'annualAverage': last year's annual income. */
      income: 'monthly' | 'annualAverage';
      brackets: readonly DuesBracket[];
    }
  | { kind: 'flat'; monthlyFen: number; label: string };

const inServiceBrackets: readonly DuesBracket[] = [
  { upToFen: 300_000, rateBasisPoints: 50, label: 'inService <= 3000 yuan' },
  { upToFen: 500_000, rateBasisPoints: 100, label: 'inService <= 5000 yuan' },
  { upToFen: 1_000_000, rateBasisPoints: 150, label: 'inService <= 10000 yuan' },
  { upToFen: null, rateBasisPoints: 200, label: 'inService > 10000 yuan' },
];

/**
 * The one rule table. The rate applies to the whole monthly income of the bracket the income
 * falls in (it is not progressive like income tax).
 */
export const duesRules: Readonly<Record<DuesCategory, DuesRule>> = {
  inService: { kind: 'brackets', income: 'monthly', brackets: inServiceBrackets },
  retired: {
    kind: 'brackets',
    income: 'monthly',
    brackets: [
      { upToFen: 500_000, rateBasisPoints: 50, label: 'retired <= 5000 yuan' },
      { upToFen: null, rateBasisPoints: 100, label: 'retired > 5000 yuan' },
    ],
  },
  annualSalary: { kind: 'brackets', income: 'annualAverage', brackets: inServiceBrackets },
  student: { kind: 'flat', monthlyFen: 20, label: 'flat 0.2 yuan' },
  unemployed: { kind: 'flat', monthlyFen: 20, label: 'flat 0.2 yuan' },
  minimumLiving: { kind: 'flat', monthlyFen: 20, label: 'flat 0.2 yuan' },
  exempt: { kind: 'flat', monthlyFen: 0, label: 'exempt' },
};

/** Above this a monthly income is a typing error, not a salary (one million yuan a month). */
export const maxMonthlyIncomeFen = 100_000_000;

/** A six-month run of arrears without good reason is a discipline matter (supervision warning). */
export const arrearsWarningMonths = 6;

const basisPointsPerUnit = 10_000;

export interface DuesInput {
  category: DuesCategory;
  /**
   * Post-tax income in fen: monthly for bracket categories, last year's annual income for
   * annualSalary. Not needed for flat-rate and exempt members.
   */
  incomeFen?: number;
}

export interface DuesQuote {
  category: DuesCategory;
  monthlyFen: number;
  rateBasisPoints: number;
  /** The monthly income the rate was applied to; 0 for flat-rate and exempt members. */
  basisFen: number;
  bracket: string;
}

/**
 * basis x rate, rounded half up to the fen, in integers only:
 * (basis * bp + 5000) / 10000, dropping the remainder. 0.5 fen becomes 1 fen, 0.49 fen 0.
 */
export function applyRate(basisFen: number, rateBasisPoints: number): number {
  const scaled = basisFen * rateBasisPoints + basisPointsPerUnit / 2;
  return (scaled - (scaled % basisPointsPerUnit)) / basisPointsPerUnit;
}

function checkIncome(violations: FieldViolation[], value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    violations.push({ field: 'incomeFen', problem: 'must be a whole number of fen' });
  } else if (value < 0) {
    violations.push({ field: 'incomeFen', problem: 'must not be negative' });
  } else if (value > max) {
    violations.push({ field: 'incomeFen', problem: `must be at most ${max} fen` });
  }
}

/** The monthly dues of a member, with the rate and bracket used so the member can check it. */
export function quoteDues(input: DuesInput): DuesQuote {
  const violations: FieldViolation[] = [];
  const rule = duesCategories.includes(input.category) ? duesRules[input.category] : undefined;
  if (!rule) violations.push({ field: 'category', problem: `must be one of ${duesCategories.join(', ')}` });
  const annual = rule?.kind === 'brackets' && rule.income === 'annualAverage';
  if (rule?.kind === 'brackets' && input.incomeFen === undefined) {
    violations.push({ field: 'incomeFen', problem: `is required for ${input.category} members` });
  } else if (input.incomeFen !== undefined) {
    checkIncome(violations, input.incomeFen, annual ? maxMonthlyIncomeFen * 12 : maxMonthlyIncomeFen);
  }
  if (!rule || violations.length > 0) throw validationFailed(violations);

  if (rule.kind === 'flat') {
    return { category: input.category, monthlyFen: rule.monthlyFen, rateBasisPoints: 0, basisFen: 0, bracket: rule.label };
  }
  const income = input.incomeFen ?? 0;
  // Floor, not round: the monthly average never exceeds what was earned, so a remainder of a
  // few fen cannot lift a member into a higher bracket than their income supports.
  const basisFen = annual ? (income - (income % 12)) / 12 : income;
  const bracket = rule.brackets.find((b) => b.upToFen === null || basisFen <= b.upToFen);
  if (!bracket) throw new RangeError(`dues table for ${input.category} has no open top bracket`);
  return {
    category: input.category,
    monthlyFen: applyRate(basisFen, bracket.rateBasisPoints),
    rateBasisPoints: bracket.rateBasisPoints,
    basisFen,
    bracket: bracket.label,
  };
}

/** One month's dues as billed, and how much of it is paid. */
export interface DuesBill {
  month: string;
  amountFen: number;
  paidFen: number;
}

function checkBills(bills: readonly DuesBill[], month: string, monthField: string): void {
  const violations: FieldViolation[] = [];
  if (!isYearMonth(month)) violations.push({ field: monthField, problem: 'must be a month YYYY-MM' });
  bills.forEach((bill, i) => {
    if (!isYearMonth(bill.month)) violations.push({ field: `bills[${i}].month`, problem: 'must be a month YYYY-MM' });
    for (const key of ['amountFen', 'paidFen'] as const) {
      if (!Number.isInteger(bill[key]) || bill[key] < 0) {
        violations.push({ field: `bills[${i}].${key}`, problem: 'must be a whole number of fen, 0 or more' });
      }
    }
  });
  if (violations.length > 0) throw validationFailed(violations);
}

export function isPaid(bill: DuesBill): boolean {
  return bill.paidFen >= bill.amountFen;
}

/**
 * Months up to and including `asOfMonth` whose bill is not fully paid, oldest first. A month
 * with no bill owes nothing: billing is the store's job, and these rules only judge bills.
 */
export function unpaidMonths(bills: readonly DuesBill[], asOfMonth: string): string[] {
  checkBills(bills, asOfMonth, 'asOfMonth');
  const unpaid = new Set(bills.filter((b) => b.month <= asOfMonth && !isPaid(b)).map((b) => b.month));
  return [...unpaid].sort();
}

/**
 * The longest run of consecutive calendar months with an unpaid bill, up to `asOfMonth`.
 * The longest run, not only the latest: paying this month does not excuse six older months
 * left unpaid in a row.
 */
export function consecutiveArrears(bills: readonly DuesBill[], asOfMonth: string): number {
  let longest = 0;
  let run = 0;
  let previous: string | undefined;
  for (const month of unpaidMonths(bills, asOfMonth)) {
    run = previous !== undefined && shiftMonth(previous, 1) === month ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = month;
  }
  return longest;
}

/** True when the arrears reach the discipline threshold (arrearsWarningMonths). */
export function inArrearsWarning(bills: readonly DuesBill[], asOfMonth: string): boolean {
  return consecutiveArrears(bills, asOfMonth) >= arrearsWarningMonths;
}

/** True when every bill up to and including `month` is fully paid (needed before a transfer). */
export function paidUpTo(bills: readonly DuesBill[], month: string): boolean {
  checkBills(bills, month, 'month');
  return bills.every((b) => b.month > month || isPaid(b));
}
