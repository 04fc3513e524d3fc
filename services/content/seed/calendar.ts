/**
 * Day arithmetic on plain integers (days since 2015-01-01, UTC), so that
 * dates never depend on the host clock or time zone.
 */
const MS_PER_DAY = 86_400_000;
const EPOCH_MS = Date.UTC(2015, 0, 1);

export const FIRST_DAY = 0;
export const LAST_DAY = dayOf(2026, 10, 31);

export function dayOf(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - EPOCH_MS) / MS_PER_DAY);
}

export function clampDay(day: number): number {
  return Math.min(LAST_DAY, Math.max(FIRST_DAY, day));
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function dateOf(dayNumber: number): CalendarDate {
  const date = new Date(EPOCH_MS + dayNumber * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function isoDate(dayNumber: number): string {
  const { year, month, day } = dateOf(dayNumber);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 2023年5月8日 — the form used in running Chinese text. */
export function chineseDate(dayNumber: number): string {
  const { year, month, day } = dateOf(dayNumber);
  return `${year}年${month}月${day}日`;
}

export function yearOf(dayNumber: number): number {
  return dateOf(dayNumber).year;
}
