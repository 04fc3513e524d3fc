import { foldText } from './fold';

/** A 发文字号 such as 中发〔2021〕1号, split into the parts every spelling of it shares. */
export interface ParsedDocNumber {
  agencyCode: string;
  year: number;
  serial: number;
  /** The standard spelling (GB/T 9704): 中发〔2021〕1号. */
  normalized: string;
}

const MIN_YEAR = 1949;
const MAX_YEAR = 2100;

// Folding has already turned （）［］｛｝ into ()[]{}; the rest are the brackets people use for 〔〕.
const OPEN = '〔\\[(【﹝〖{';
const CLOSE = '〕\\])】﹞〗}';
const DASH = '\\-‐–—';
// Everything between the agency code and the serial: 〔2021〕, 2021年, 2021-, or just 2021.
const YEAR_PART = `(?:[${OPEN}]\\s*(?<bracketYear>\\d{4})\\s*[${CLOSE}]|(?<plainYear>\\d{4})\\s*(?:年|[${DASH}])?)`;
const SERIAL_PART = '\\s*第?\\s*(?<serial>\\d{1,6})';

const WHOLE_DOC_NUMBER = new RegExp(`^(?<agency>\\p{Script=Han}{1,10})${YEAR_PART}${SERIAL_PART}(?:号(?:文件|文)?)?$`, 'u');
// Inside free text the serial must end the number: "2021年1月" is a date, not 〔2021〕1号.
const DOC_NUMBER_IN_TEXT = new RegExp(
  `(?<agency>\\p{Script=Han}{1,10})\\s*${YEAR_PART}${SERIAL_PART}(?:\\s*号|(?=$|[^\\p{L}\\p{N}${DASH}]))`,
  'gu',
);

// Words a query puts right before a document number; they run into the agency code because
// Chinese has no spaces ("关于中发〔2021〕1号" would otherwise read as agency 关于中发). Only
// words no agency code starts with: 和/与/及 are out, since place names (和政县) begin with them.
const LEADING_WORDS = [
  '关于',
  '根据',
  '按照',
  '依据',
  '依照',
  '参照',
  '贯彻',
  '落实',
  '执行',
  '印发',
  '转发',
  '学习',
  '传达',
  '对照',
  '严格',
  '认真',
  '深入',
  '坚决',
  '查询',
  '搜索',
  '查找',
  '请',
  '查',
  '找',
  '按',
  '据',
  '对',
  '的',
];

function stripLeadingWords(agency: string): string {
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const word of LEADING_WORDS) {
      if (agency.startsWith(word) && agency.length > word.length) {
        agency = agency.slice(word.length);
        stripped = true;
      }
    }
  }
  return agency;
}

function fromGroups(groups: Record<string, string | undefined> | undefined, agencyCode: string): ParsedDocNumber | null {
  const year = Number(groups?.['bracketYear'] ?? groups?.['plainYear']);
  const serial = Number(groups?.['serial']);
  if (!agencyCode || !(year >= MIN_YEAR && year <= MAX_YEAR) || !(serial > 0)) return null;
  return { agencyCode, year, serial, normalized: `${agencyCode}〔${year}〕${serial}号` };
}

/** Parses a whole string as a document number, accepting the common ways people write one. */
export function parseDocNumber(input: string): ParsedDocNumber | null {
  const match = WHOLE_DOC_NUMBER.exec(foldText(input).replace(/\s+/g, ''));
  return match ? fromGroups(match.groups, match.groups?.['agency'] ?? '') : null;
}

/**
 * Finds a document number inside a free-text query; `rest` is the (folded) query without
 * it, for the full-text part of the search.
 */
export function findDocNumber(query: string): { match: ParsedDocNumber; rest: string } | null {
  const text = foldText(query);
  for (const found of text.matchAll(DOC_NUMBER_IN_TEXT)) {
    const rawAgency = found.groups?.['agency'] ?? '';
    const agencyCode = stripLeadingWords(rawAgency);
    const parsed = fromGroups(found.groups, agencyCode);
    if (!parsed) continue;
    const start = (found.index ?? 0) + rawAgency.length - agencyCode.length;
    const end = (found.index ?? 0) + found[0].length;
    const rest = `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, ' ').trim();
    return { match: parsed, rest };
  }
  return null;
}

/** The agency code and year of a document number typed without its serial: 中组发〔2019〕. */
export interface PartialDocNumber {
  agencyCode: string;
  year: number;
}

// An agency code and a bracketed year, no serial after it: 中组发〔2019〕, 江纪发[2020].
const BRACKETED_YEAR = new RegExp(`(?<agency>\\p{Script=Han}{1,10})\\s*[${OPEN}]\\s*(?<year>\\d{4})\\s*[${CLOSE}](?!\\s*第?\\s*\\d)`, 'gu');
// Without brackets only a code that ends like one (发, 函, 字) is read as a code: 中组发2019, 江纪发 2020年.
const PLAIN_YEAR = new RegExp(`(?<agency>\\p{Script=Han}{0,9}[发函字])\\s*(?<year>\\d{4})\\s*年?(?!\\s*[${DASH}]?\\s*第?\\s*\\d)`, 'gu');

/**
 * Finds the agency code and year of a document number typed without its serial (an agency's
 * documents of a year); `rest` is the (folded) query without it. Null when there is none, or
 * when the query holds a whole document number (findDocNumber's).
 */
export function findPartialDocNumber(query: string): { match: PartialDocNumber; rest: string } | null {
  if (findDocNumber(query)) return null;
  const text = foldText(query);
  for (const pattern of [BRACKETED_YEAR, PLAIN_YEAR]) {
    for (const found of text.matchAll(pattern)) {
      const rawAgency = found.groups?.['agency'] ?? '';
      const agencyCode = stripLeadingWords(rawAgency);
      const year = Number(found.groups?.['year']);
      if (!agencyCode || !(year >= MIN_YEAR && year <= MAX_YEAR)) continue;
      const start = (found.index ?? 0) + rawAgency.length - agencyCode.length;
      const end = (found.index ?? 0) + found[0].length;
      const rest = `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, ' ').trim();
      return { match: { agencyCode, year }, rest };
    }
  }
  return null;
}

/** The exact-match keys to index for a document number, so every spelling finds it. */
export function docNumberKeys(parsed: ParsedDocNumber): string[] {
  return [parsed.normalized, `${parsed.agencyCode}|${parsed.year}|${parsed.serial}`];
}
