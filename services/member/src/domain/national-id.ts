/**
 * Citizen identity numbers (公民身份号码, GB 11643-1999) and masking of personal numbers.
 * Pure rules: no I/O. Callers pass "today" as a calendar date YYYY-MM-DD in the platform's
 * time zone (Asia/Shanghai), so nothing here reads the clock.
 */
import { isCalendarDate } from '@repo/calendar';

export type Gender = 'male' | 'female';

/** What an identity number tells about its holder. */
export interface NationalId {
  /** 18 characters, check character upper case. */
  normalized: string;
  /** Calendar date YYYY-MM-DD taken from digits 7-14. */
  birthDate: string;
  /** From digit 17 (顺序码): odd male, even female. */
  gender: Gender;
  /** Digits 1-6 (行政区划代码). */
  regionCode: string;
}

/** Problems `parseNationalId` can report, worded to complete "nationalId ...". */
export const nationalIdProblems = {
  required: 'is required',
  length: (got: number) => `length: must be 18 characters, not ${got}`,
  characters: 'characters: must be 17 digits followed by a digit or X',
  region: (province: string) => `region: ${province} is not a province-level region code`,
  date: (digits: string) => `date: ${digits} is not a calendar date`,
  dateTooEarly: (date: string) => `date: birth date ${date} is before 1900-01-01`,
  dateFuture: (date: string) => `date: birth date ${date} is in the future`,
  checksum: 'checksum: the check character does not match the other 17 (a digit is mistyped?)',
} as const;

/**
 * First two digits of a province-level region code (GB/T 2260): 11-15 North, 21-23 North-east,
 * 31-37 East, 41-46 Central-south, 50-54 South-west, 61-65 North-west, 71 Taiwan,
 * 81 Hong Kong, 82 Macao.
 */
export const provinceCodes: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** ISO 7064 MOD 11-2 weights for the first 17 digits. */
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each remainder 0..10. */
const checkCharacters = '10X98765432';

/** Earliest birth date accepted: nobody alive was born before it. */
export const earliestBirthDate = '1900-01-01';

/** Throws when a caller passes something other than YYYY-MM-DD as today: a programming error. */
export function assertToday(today: string): void {
  if (!isCalendarDate(today)) throw new RangeError(`today must be a calendar date YYYY-MM-DD, got ${today}`);
}

/** The check character (0-9 or X) for the first 17 digits of an identity number. */
export function nationalIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] ?? 0);
  return checkCharacters[sum % 11] ?? '';
}

/**
 * Parses an 18-character identity number. Returns what it encodes, or a problem string that
 * starts with the rule broken (length, characters, region, date, checksum). Structure is checked
 * before the checksum, so a well-formed number with a wrong check character says "checksum".
 */
export function parseNationalId(value: string, today: string): NationalId | string {
  assertToday(today);
  const text = value.trim().toUpperCase();
  if (text === '') return nationalIdProblems.required;
  const length = [...text].length;
  if (length !== 18) return nationalIdProblems.length(length);
  if (!/^\d{17}[\dX]$/.test(text)) return nationalIdProblems.characters;

  const province = text.slice(0, 2);
  if (!provinceCodes.has(province)) return nationalIdProblems.region(province);

  const digits = text.slice(6, 14);
  const birthDate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isCalendarDate(birthDate)) return nationalIdProblems.date(digits);
  if (birthDate < earliestBirthDate) return nationalIdProblems.dateTooEarly(birthDate);
  if (birthDate > today) return nationalIdProblems.dateFuture(birthDate);

  if (nationalIdCheckCharacter(text.slice(0, 17)) !== text[17]) return nationalIdProblems.checksum;

  return {
    normalized: text,
    birthDate,
    gender: Number(text[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: text.slice(0, 6),
  };
}

/** Keeps the first `head` and last `tail` characters and stars the rest; short values are all stars. */
function mask(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

/** 110105194912310014 -> 110***********0014 (first 3 and last 4 visible). */
export function maskNationalId(normalized: string): string {
  return mask(normalized, 3, 4);
}

/** 13812345678 -> 138****5678 (first 3 and last 4 visible). */
export function maskPhone(phone: string): string {
  return mask(phone, 3, 4);
}
