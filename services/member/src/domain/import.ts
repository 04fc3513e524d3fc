/**
 * Bulk import of members (党员信息批量导入): validation of the rows a file was read into.
 *
 * The rows come from files/member-file.ts: text keyed by the file's own headers, with each row's
 * spreadsheet line number. `validateImportRows` maps Chinese or English headers and labels to
 * profile fields and validates each row with `validateProfile`. Organisation existence and data
 * scope are the service's business: it adds its own row errors with `withRowErrors`. Nothing
 * here touches a file, a database, the network or the clock.
 */
import { invalidArgument, type DomainError } from '@repo/errors';
import { isCalendarDate } from '@repo/calendar';
import { assertToday } from './national-id';
import {
  developmentStages,
  educationByLabel,
  educationLabels,
  educationLevels,
  genderByLabel,
  genderLabels,
  genders,
  keyDateFields,
  stageByLabel,
  stageLabels,
  validateProfile,
  type DevelopmentStage,
  type EducationLevel,
  type Gender,
  type KeyDateField,
  type MemberProfile,
  type ProfileField,
} from './profile';

/** One non-blank row: its line number in the spreadsheet and its cells keyed by header text. */
export interface SheetRow {
  line: number;
  cells: Record<string, string>;
}

export interface MemberFile {
  /** Line of the header row: the first non-blank row, normally 1. */
  headerLine: number;
  /** Header texts, trimmed, in column order (blank and repeated headers kept as they are). */
  headers: string[];
  /** Non-blank data rows in file order. */
  rows: SheetRow[];
}

export const importLimits = {
  defaultMaxRows: 100_000,
} as const;

export const importCodes = {
  unreadable: 'MEMBER_IMPORT_UNREADABLE',
  tooManyRows: 'MEMBER_IMPORT_TOO_MANY_ROWS',
  tooLarge: 'MEMBER_IMPORT_TOO_LARGE',
  missingColumn: 'MEMBER_IMPORT_MISSING_COLUMN',
  duplicateColumn: 'MEMBER_IMPORT_DUPLICATE_COLUMN',
  duplicate: 'MEMBER_IMPORT_DUPLICATE',
} as const;

export interface ParseOptions {
  /** Data rows allowed (blank rows not counted); beyond it the file is refused. */
  maxRows?: number;
}

export interface ImportOptions extends ParseOptions {
  /**
   * Organisation for rows that name none (importing into one branch): makes the organisation
   * column optional and fills its blank cells.
   */
  defaultOrganizationId?: string;
}

export function maxRowsOf(options: ParseOptions | undefined): number {
  const max = options?.maxRows ?? importLimits.defaultMaxRows;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxRows must be a positive integer, got ${max}`);
  return max;
}

export function tooManyRows(max: number): DomainError {
  return invalidArgument(importCodes.tooManyRows, `the file has more than ${max} member rows; split it into smaller files`, {
    maxRows: String(max),
  });
}

// ---- Columns and values -------------------------------------------------------------------------

/** What a column can hold: a profile field or one key date. */
export type ImportField = Exclude<ProfileField, 'keyDates'> | KeyDateField;

/** Header names per field, Chinese first (the first is the name used in messages). */
export const columnNames: Readonly<Record<ImportField, readonly string[]>> = {
  name: ['姓名', 'name'],
  gender: ['性别', 'gender'],
  ethnicity: ['民族', 'ethnicity'],
  birthDate: ['出生日期', 'birthDate'],
  nationalId: ['身份证号', '公民身份号码', '身份证号码', 'nationalId'],
  education: ['学历', 'education'],
  phone: ['手机号', '手机号码', 'phone'],
  organizationId: ['所在组织', '组织编号', 'organizationId'],
  stage: ['发展阶段', 'stage'],
  applicationDate: ['申请入党日期', 'applicationDate'],
  activistDate: ['确定积极分子日期', 'activistDate'],
  candidateDate: ['确定发展对象日期', 'candidateDate'],
  probationaryDate: ['接收预备党员日期', 'probationaryDate'],
  fullDate: ['转正日期', 'fullDate'],
};

export const requiredColumns: readonly ImportField[] = [
  'name',
  'gender',
  'ethnicity',
  'birthDate',
  'nationalId',
  'education',
  'organizationId',
  'stage',
];

/**
 * Header as compared: without spaces, underscores, hyphens, required-marks (*) or a trailing
 * note in brackets, case-insensitive: "身份证号*", "出生日期（YYYY-MM-DD）", "National_ID" match.
 */
export function normalizeHeader(header: string): string {
  return header
    .replace(/[(（][^()（）]*[)）]\s*$/, '')
    .replace(/[\s_\-*＊]/g, '')
    .toLowerCase();
}

const fieldByHeader: ReadonlyMap<string, ImportField> = new Map(
  (Object.entries(columnNames) as [ImportField, readonly string[]][]).flatMap(([field, names]) =>
    names.map((name): [string, ImportField] => [normalizeHeader(name), field]),
  ),
);

function isKeyDateField(field: ImportField): field is KeyDateField {
  return (keyDateFields as readonly string[]).includes(field);
}

/** Path of a field in a profile and in error reports: key dates are nested. */
function fieldPath(field: ImportField): string {
  return isKeyDateField(field) ? `keyDates.${field}` : field;
}

/** Extra spellings seen in real exports, beyond the labels of profile.ts. */
const educationAliases: ReadonlyMap<string, EducationLevel> = new Map([
  ['大学本科', 'bachelor'],
  ['大学专科', 'associate'],
  ['硕士', 'master'],
  ['博士', 'doctorate'],
]);

function codeFrom<T extends string>(text: string, codes: readonly T[], ...byLabel: ReadonlyMap<string, T>[]): T | undefined {
  for (const map of byLabel) {
    const code = map.get(text);
    if (code !== undefined) return code;
  }
  const lower = text.toLowerCase();
  return codes.find((c) => c.toLowerCase() === lower);
}

const datePatterns = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})(\d{2})(\d{2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
];

/** 2024-03-05, 2024/3/5, 2024.3.5, 20240305 or 2024年3月5日 -> 2024-03-05; undefined if not a real date. */
export function normalizeImportDate(text: string): string | undefined {
  for (const pattern of datePatterns) {
    const m = pattern.exec(text);
    if (!m) continue;
    const date = `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
    return isCalendarDate(date) ? date : undefined;
  }
  return undefined;
}

function labelList<T extends string>(labels: Readonly<Record<T, string>>, codes: readonly T[]): string {
  return `${codes.map((c) => labels[c]).join(', ')} (or ${codes.join(', ')})`;
}

/** Problems found while reading cells, before profile validation. */
export const importProblems = {
  gender: `must be one of ${labelList<Gender>(genderLabels, genders)}`,
  education: `must be one of ${labelList<EducationLevel>(educationLabels, educationLevels)}`,
  stage: `must be one of ${labelList<DevelopmentStage>(stageLabels, developmentStages)}`,
  date: 'must be a date such as 2024-03-05, 2024/3/5, 2024.3.5 or 20240305',
  missingColumn: (column: string, field: ImportField) => `${importCodes.missingColumn}: column ${column} (${field}) is missing`,
  duplicateColumn: (first: string, second: string, field: ImportField) =>
    `${importCodes.duplicateColumn}: columns ${first} and ${second} are both ${field}`,
  duplicate: (firstLine: number) => `${importCodes.duplicate}: same national ID as line ${firstLine}`,
  unknownColumn: 'is not a member column and was ignored',
} as const;

// ---- Validation ---------------------------------------------------------------------------------

/** Row errors are listed in the order of the profile's fields. */
const fieldOrder: readonly string[] = [
  'name',
  'gender',
  'ethnicity',
  'birthDate',
  'nationalId',
  'education',
  'phone',
  'organizationId',
  'stage',
  'keyDates',
  ...keyDateFields.map((f) => `keyDates.${f}`),
];

function fieldRank(field: string): number {
  const rank = fieldOrder.indexOf(field);
  return rank === -1 ? fieldOrder.length : rank;
}

export interface ImportRowError {
  line: number;
  /** Profile field path (keyDates.activistDate), or the field of a file-level problem. */
  field: string;
  problem: string;
  /** Header of the column in the file, when the problem is about one. */
  column?: string;
}

export interface ImportWarning {
  line: number;
  column: string;
  problem: string;
}

export interface ImportReport {
  valid: { line: number; profile: MemberProfile }[];
  errors: ImportRowError[];
  warnings: ImportWarning[];
}

interface ColumnMap {
  /** Header text of the column chosen for each field. */
  headerOf: Partial<Record<ImportField, string>>;
  errors: ImportRowError[];
  warnings: ImportWarning[];
}

function mapColumns(file: MemberFile, options: ImportOptions): ColumnMap {
  const line = file.headerLine;
  const headerOf: Partial<Record<ImportField, string>> = {};
  const errors: ImportRowError[] = [];
  const warnings: ImportWarning[] = [];
  for (const header of file.headers) {
    if (header === '') continue;
    const field = fieldByHeader.get(normalizeHeader(header));
    if (field === undefined) {
      warnings.push({ line, column: header, problem: importProblems.unknownColumn });
    } else if (headerOf[field] !== undefined) {
      errors.push({
        line,
        field: fieldPath(field),
        column: header,
        problem: importProblems.duplicateColumn(headerOf[field] ?? '', header, field),
      });
    } else {
      headerOf[field] = header;
    }
  }
  for (const field of requiredColumns) {
    if (headerOf[field] !== undefined) continue;
    if (field === 'organizationId' && options.defaultOrganizationId !== undefined) continue;
    const column = columnNames[field][0] ?? field;
    errors.push({ line, field: fieldPath(field), column, problem: importProblems.missingColumn(column, field) });
  }
  return { headerOf, errors, warnings };
}

/**
 * Turns one row into profile input. Labels and dates that cannot be read become errors here,
 * and those fields are left out so the profile check does not report them twice.
 */
function rowInput(
  cells: Record<string, string>,
  headerOf: Partial<Record<ImportField, string>>,
  options: ImportOptions,
  problems: Map<string, string>,
): Record<string, unknown> {
  const cell = (field: ImportField): string | undefined => {
    const header = headerOf[field];
    const text = header === undefined ? '' : (cells[header] ?? '').trim();
    return text === '' ? undefined : text;
  };
  const coded = <T extends string>(field: ImportField, read: (text: string) => T | undefined, problem: string) => {
    const text = cell(field);
    if (text === undefined) return undefined;
    const code = read(text);
    if (code === undefined) problems.set(field, problem);
    return code;
  };
  const date = (field: ImportField): string | undefined => {
    const text = cell(field);
    if (text === undefined) return undefined;
    const normalized = normalizeImportDate(text);
    if (normalized === undefined) problems.set(fieldPath(field), importProblems.date);
    return normalized;
  };

  const keyDates: Record<string, string | undefined> = {};
  for (const field of keyDateFields) keyDates[field] = date(field);
  return {
    name: cell('name'),
    gender: coded('gender', (t) => codeFrom(t, genders, genderByLabel), importProblems.gender),
    ethnicity: cell('ethnicity'),
    birthDate: date('birthDate'),
    nationalId: cell('nationalId'),
    education: coded('education', (t) => codeFrom(t, educationLevels, educationByLabel, educationAliases), importProblems.education),
    phone: cell('phone'),
    organizationId: cell('organizationId') ?? options.defaultOrganizationId,
    stage: coded('stage', (t) => codeFrom(t, developmentStages, stageByLabel), importProblems.stage),
    keyDates,
  };
}

/**
 * Validates parsed rows: maps headers (Chinese or English), reads labels (男, 本科, 正式党员) or
 * codes and the usual date spellings, checks each row with `validateProfile`, and refuses a
 * national ID seen on an earlier line. A missing required column or two columns for one field
 * are file-level errors on the header line, and then no row is checked. Unknown columns are
 * ignored with a warning. Throws MEMBER_IMPORT_TOO_MANY_ROWS past `maxRows`.
 */
export function validateImportRows(file: MemberFile, today: string, options: ImportOptions = {}): ImportReport {
  assertToday(today);
  const max = maxRowsOf(options);
  const { headerOf, errors, warnings } = mapColumns(file, options);
  if (errors.length > 0) return { valid: [], errors, warnings };

  const columnOf = (path: string): string | undefined => headerOf[path.replace(/^keyDates\./, '') as ImportField];
  const valid: ImportReport['valid'] = [];
  const firstLineOf = new Map<string, number>();
  let count = 0;
  for (const { line, cells } of file.rows) {
    if (Object.values(cells).every((v) => v.trim() === '')) continue;
    count += 1;
    if (count > max) throw tooManyRows(max);

    const problems = new Map<string, string>();
    const input = rowInput(cells, headerOf, options, problems);
    const result = validateProfile(input, today);
    if (!result.ok) {
      for (const v of result.violations) if (!problems.has(v.field)) problems.set(v.field, v.problem);
    }

    const idKey = typeof input.nationalId === 'string' ? input.nationalId.toUpperCase() : undefined;
    if (idKey !== undefined) {
      const first = firstLineOf.get(idKey);
      if (first === undefined) firstLineOf.set(idKey, line);
      else if (!problems.has('nationalId')) problems.set('nationalId', importProblems.duplicate(first));
    }

    if (problems.size === 0 && result.ok) {
      valid.push({ line, profile: result.profile });
    } else {
      const ordered = [...problems].sort(([a], [b]) => fieldRank(a) - fieldRank(b));
      for (const [field, problem] of ordered) {
        const column = columnOf(field);
        errors.push(column === undefined ? { line, field, problem } : { line, field, problem, column });
      }
    }
  }
  return { valid, errors, warnings };
}

/**
 * Combines reports (for example the domain's and the service's): a line with an error in any
 * report is no longer valid; errors and warnings are ordered by line, in report order within one.
 */
export function mergeImportReports(...reports: ImportReport[]): ImportReport {
  const errors = reports.flatMap((r) => r.errors);
  const failed = new Set(errors.map((e) => e.line));
  const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;
  return {
    valid: reports
      .flatMap((r) => r.valid)
      .filter((v) => !failed.has(v.line))
      .sort(byLine),
    errors: errors.sort(byLine),
    warnings: reports.flatMap((r) => r.warnings).sort(byLine),
  };
}

/** Adds the caller's row errors (organisation unknown, out of scope...) to a report. */
export function withRowErrors(report: ImportReport, rowErrors: ImportRowError[]): ImportReport {
  return mergeImportReports(report, { valid: [], errors: rowErrors, warnings: [] });
}
