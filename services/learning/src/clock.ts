import { provinceDate } from '@repo/calendar';

/** The service's clock: tests of timers give their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The province's calendar date now: what "today" means for every rule. */
export function todayOf(clock: Clock): string {
  return provinceDate(clock.now());
}
