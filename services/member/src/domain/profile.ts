/**
 * Member profiles (党员信息): fields, their Chinese labels, and validation of a whole profile or
 * of a partial update. Pure rules: no I/O; "today" is always a parameter (YYYY-MM-DD).
 *
 * Problems on a single field read like the content service's ("is required", "must be ...").
 * Problems that break a rule between fields start with the rule's code, e.g.
 * "MEMBER_NATIONAL_ID_MISMATCH: ...", so a client can tell them apart from the text alone.
 */
import { validationFailed, type FieldViolation } from '@repo/errors';
import { addYears, isCalendarDate } from '@repo/calendar';
import { assertToday, earliestBirthDate, parseNationalId, type Gender } from './national-id';

export type { Gender } from './national-id';

export const genders = ['male', 'female'] as const satisfies readonly Gender[];

/** 学历, lowest first. */
export const educationLevels = [
  'primary',
  'juniorHigh',
  'seniorHigh',
  'vocational',
  'associate',
  'bachelor',
  'master',
  'doctorate',
] as const;
export type EducationLevel = (typeof educationLevels)[number];

/** 党员发展 pipeline, first step first. */
export const developmentStages = ['applicant', 'activist', 'candidate', 'probationary', 'full'] as const;
export type DevelopmentStage = (typeof developmentStages)[number];

/** Key dates of the pipeline in the order they must occur; the i-th belongs to the i-th stage. */
export const keyDateFields = [
  'applicationDate', // 申请入党日期
  'activistDate', // 确定为入党积极分子日期
  'candidateDate', // 确定为发展对象日期
  'probationaryDate', // 接收为预备党员日期
  'fullDate', // 转为正式党员日期
] as const;
export type KeyDateField = (typeof keyDateFields)[number];
export type KeyDates = Partial<Record<KeyDateField, string>>;

/** The stage each key date belongs to. */
export const keyDateStage: Readonly<Record<KeyDateField, DevelopmentStage>> = {
  applicationDate: 'applicant',
  activistDate: 'activist',
  candidateDate: 'candidate',
  probationaryDate: 'probationary',
  fullDate: 'full',
};

/** Key dates a member at each stage must have: the stage's own date and every earlier one. */
export const requiredKeyDates: Readonly<Record<DevelopmentStage, readonly KeyDateField[]>> = {
  applicant: keyDateFields.slice(0, 1),
  activist: keyDateFields.slice(0, 2),
  candidate: keyDateFields.slice(0, 3),
  probationary: keyDateFields.slice(0, 4),
  full: keyDateFields.slice(0, 5),
};

/** The 56 officially recognised ethnic groups (GB/T 3304 order), full names with 族. */
export const ethnicGroups = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
] as const;
export type EthnicGroup = (typeof ethnicGroups)[number];
const ethnicGroupSet: ReadonlySet<string> = new Set(ethnicGroups);

export function isEthnicGroup(value: string): value is EthnicGroup {
  return ethnicGroupSet.has(value);
}

export interface MemberProfile {
  name: string;
  gender: Gender;
  ethnicity: EthnicGroup;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Normalised 18-character 公民身份号码 (check character upper case). */
  nationalId: string;
  education: EducationLevel;
  /** 11-digit mainland mobile number; absent when unknown. */
  phone?: string;
  organizationId: string;
  stage: DevelopmentStage;
  keyDates: KeyDates;
}

export const profileFields = [
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
] as const satisfies readonly (keyof MemberProfile)[];
export type ProfileField = (typeof profileFields)[number];

export const limits = {
  nameMaxChars: 50,
  organizationIdMaxChars: 100,
  /** 年满十八岁: the earliest age at which one may apply to join. */
  minApplicationAge: 18,
} as const;

/** Rule codes carried at the start of cross-field problems. */
export const profileCodes = {
  nationalIdMismatch: 'MEMBER_NATIONAL_ID_MISMATCH',
  /** Same code as the pipeline's "step date before the previous step". */
  keyDateOrder: 'MEMBER_STAGE_DATE',
  stageKeyDates: 'MEMBER_STAGE_KEY_DATES',
  /** Same code as the pipeline's age check on application. */
  minAge: 'MEMBER_MIN_AGE',
} as const;

/** Every problem text validation can produce (national ID problems come from national-id.ts). */
export const profileProblems = {
  required: 'is required',
  notString: 'must be a string',
  notObject: 'must be an object',
  unknownField: 'is not a field of a member profile',
  unknownKeyDate: `is not a key date (${keyDateFields.join(', ')})`,
  nameLength: `must be 1 to ${limits.nameMaxChars} characters`,
  nameControl: 'must not contain control or invisible format characters',
  organizationIdLength: `must be at most ${limits.organizationIdMaxChars} characters`,
  gender: `must be one of ${genders.join(', ')}`,
  education: `must be one of ${educationLevels.join(', ')}`,
  stage: `must be one of ${developmentStages.join(', ')}`,
  ethnicity: 'must be one of the 56 ethnic groups written in full, e.g. 汉族, 壮族',
  date: 'must be a calendar date YYYY-MM-DD',
  future: 'must not be in the future',
  tooEarly: `must be on or after ${earliestBirthDate}`,
  phone: 'must be a mainland mobile number: 11 digits, 1 then 3-9 then 9 digits',
  nationalIdMismatch: (differences: string[]) => `${profileCodes.nationalIdMismatch}: the national ID gives ${differences.join(' and ')}`,
  keyDateOrder: (earlier: string, date: string) => `${profileCodes.keyDateOrder}: must be on or after ${earlier} (${date})`,
  keyDateBeforeBirth: `${profileCodes.keyDateOrder}: must be after birthDate`,
  requiredForStage: (stage: DevelopmentStage) => `${profileCodes.stageKeyDates}: is required for stage ${stage}`,
  notYetStage: (stage: DevelopmentStage, own: DevelopmentStage) =>
    `${profileCodes.stageKeyDates}: must be empty for stage ${stage}; it is recorded on reaching stage ${own}`,
  applicationAge: (eighteenth: string) =>
    `${profileCodes.minAge}: must be on or after the ${limits.minApplicationAge}th birthday (${eighteenth})`,
} as const;

// ---- Chinese labels, used by import and by exports for people --------------------------------

export const genderLabels: Readonly<Record<Gender, string>> = { male: '男', female: '女' };

export const educationLabels: Readonly<Record<EducationLevel, string>> = {
  primary: '小学',
  juniorHigh: '初中',
  seniorHigh: '高中',
  vocational: '中专',
  associate: '大专',
  bachelor: '本科',
  master: '硕士研究生',
  doctorate: '博士研究生',
};

export const stageLabels: Readonly<Record<DevelopmentStage, string>> = {
  applicant: '入党申请人',
  activist: '入党积极分子',
  candidate: '发展对象',
  probationary: '预备党员',
  full: '正式党员',
};

function inverse<T extends string>(labels: Readonly<Record<T, string>>): ReadonlyMap<string, T> {
  return new Map((Object.entries(labels) as [T, string][]).map(([code, label]) => [label, code]));
}

/** Chinese label -> code (男 -> male). Maps, so no prototype key can ever match. */
export const genderByLabel = inverse(genderLabels);
export const educationByLabel = inverse(educationLabels);
export const stageByLabel = inverse(stageLabels);

// ---- Validation ---------------------------------------------------------------------------------

export type ProfileResult = { ok: true; profile: MemberProfile } | { ok: false; violations: FieldViolation[] };

/** A violation and the fields whose values produced it (a patch keeps it only if it touched one). */
interface Finding extends FieldViolation {
  involves: readonly string[];
}

class Findings {
  readonly list: Finding[] = [];
  private readonly fields = new Set<string>();

  /** Records a problem; the first problem of a field wins, so each field is named once. */
  add(field: string, problem: string, involves: readonly string[] = [field]): void {
    if (this.fields.has(field)) return;
    this.fields.add(field);
    this.list.push({ field, problem, involves });
  }

  has(field: string): boolean {
    return this.fields.has(field);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const controlOrFormat = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Reads a string field; null, undefined and blank count as absent. Reports wrong types. */
function readText(findings: Findings, record: Record<string, unknown>, field: string, path = field): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    findings.add(path, profileProblems.notString);
    return undefined;
  }
  const text = value.trim();
  return text === '' ? undefined : text;
}

function requireText(findings: Findings, record: Record<string, unknown>, field: string): string | undefined {
  const text = readText(findings, record, field);
  if (text === undefined && !findings.has(field)) findings.add(field, profileProblems.required);
  return text;
}

function oneOf<T extends string>(
  findings: Findings,
  record: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  problem: string,
): T | undefined {
  const text = requireText(findings, record, field);
  if (text === undefined) return undefined;
  const found = allowed.find((a) => a === text);
  if (found === undefined) findings.add(field, problem);
  return found;
}

/** A past-or-today calendar date, or undefined after recording why not. */
function checkDate(findings: Findings, path: string, text: string, today: string): string | undefined {
  if (!isCalendarDate(text)) findings.add(path, profileProblems.date);
  else if (text < earliestBirthDate) findings.add(path, profileProblems.tooEarly);
  else if (text > today) findings.add(path, profileProblems.future);
  else return text;
  return undefined;
}

/** Strips spaces, hyphens and a +86 prefix, then checks 1[3-9]xxxxxxxxx. */
export function normalizePhone(value: string): string | undefined {
  const compact = value.replace(/[\s-]/g, '').replace(/^\+86/, '');
  return /^1[3-9]\d{9}$/.test(compact) ? compact : undefined;
}

interface Checked {
  findings: Findings;
  /** Fields that passed their own checks, normalised. */
  values: Partial<MemberProfile>;
  /** Key dates that passed their own checks. */
  keyDates: KeyDates;
}

function checkRecord(record: Record<string, unknown>, today: string): Checked {
  const findings = new Findings();
  const values: Partial<MemberProfile> = {};

  const name = requireText(findings, record, 'name');
  if (name !== undefined) {
    if ([...name].length > limits.nameMaxChars) findings.add('name', profileProblems.nameLength);
    else if (controlOrFormat.test(name)) findings.add('name', profileProblems.nameControl);
    else values.name = name;
  }

  values.gender = oneOf(findings, record, 'gender', genders, profileProblems.gender);
  values.education = oneOf(findings, record, 'education', educationLevels, profileProblems.education);
  values.stage = oneOf(findings, record, 'stage', developmentStages, profileProblems.stage);

  const ethnicity = requireText(findings, record, 'ethnicity');
  if (ethnicity !== undefined) {
    if (isEthnicGroup(ethnicity)) values.ethnicity = ethnicity;
    else findings.add('ethnicity', profileProblems.ethnicity);
  }

  const birthText = requireText(findings, record, 'birthDate');
  if (birthText !== undefined) values.birthDate = checkDate(findings, 'birthDate', birthText, today);

  const idText = requireText(findings, record, 'nationalId');
  if (idText !== undefined) {
    const parsed = parseNationalId(idText, today);
    if (typeof parsed === 'string') {
      findings.add('nationalId', parsed);
    } else {
      const differences: string[] = [];
      if (values.birthDate !== undefined && parsed.birthDate !== values.birthDate) {
        differences.push(`birth date ${parsed.birthDate}, not birthDate ${values.birthDate}`);
      }
      if (values.gender !== undefined && parsed.gender !== values.gender) {
        differences.push(`gender ${parsed.gender}, not ${values.gender}`);
      }
      if (differences.length > 0) {
        findings.add('nationalId', profileProblems.nationalIdMismatch(differences), ['nationalId', 'birthDate', 'gender']);
      } else {
        values.nationalId = parsed.normalized;
      }
    }
  }

  const phoneText = readText(findings, record, 'phone');
  if (phoneText !== undefined) {
    const phone = normalizePhone(phoneText);
    if (phone === undefined) findings.add('phone', profileProblems.phone);
    else values.phone = phone;
  } else if (!findings.has('phone')) {
    values.phone = undefined;
  }

  const organizationId = requireText(findings, record, 'organizationId');
  if (organizationId !== undefined) {
    if ([...organizationId].length > limits.organizationIdMaxChars) {
      findings.add('organizationId', profileProblems.organizationIdLength);
    } else {
      values.organizationId = organizationId;
    }
  }

  const keyDates = checkKeyDates(findings, record['keyDates'], values, today);
  return { findings, values, keyDates };
}

function checkKeyDates(findings: Findings, raw: unknown, values: Partial<MemberProfile>, today: string): KeyDates {
  const keyDates: KeyDates = {};
  let record: Record<string, unknown> = {};
  if (isRecord(raw)) record = raw;
  else if (raw !== undefined && raw !== null) {
    findings.add('keyDates', profileProblems.notObject);
    return keyDates;
  }
  const present = new Set<KeyDateField>();
  for (const field of keyDateFields) {
    const path = `keyDates.${field}`;
    const text = readText(findings, record, field, path);
    if (text === undefined) continue;
    present.add(field);
    const date = checkDate(findings, path, text, today);
    if (date !== undefined) keyDates[field] = date;
  }

  // Order: each date on or after the latest earlier one; all after birth; applying at 18 or older.
  const { birthDate, stage } = values;
  let previous: KeyDateField | undefined;
  for (const field of keyDateFields) {
    const date = keyDates[field];
    if (date === undefined) continue;
    const path = `keyDates.${field}`;
    if (birthDate !== undefined && date <= birthDate) {
      findings.add(path, profileProblems.keyDateBeforeBirth, [path, 'birthDate']);
    } else if (field === 'applicationDate' && birthDate !== undefined) {
      const eighteenth = addYears(birthDate, limits.minApplicationAge);
      if (date < eighteenth) findings.add(path, profileProblems.applicationAge(eighteenth), [path, 'birthDate']);
    }
    const earlier = previous === undefined ? undefined : keyDates[previous];
    if (previous !== undefined && earlier !== undefined && date < earlier) {
      const earlierPath = `keyDates.${previous}`;
      findings.add(path, profileProblems.keyDateOrder(earlierPath, earlier), [path, earlierPath]);
    }
    previous = field;
  }

  // Stage: its dates present, later stages' dates absent.
  if (stage !== undefined) {
    const required = requiredKeyDates[stage];
    for (const field of keyDateFields) {
      const path = `keyDates.${field}`;
      if (required.includes(field)) {
        if (!present.has(field)) findings.add(path, profileProblems.requiredForStage(stage), [path, 'stage']);
      } else if (present.has(field)) {
        findings.add(path, profileProblems.notYetStage(stage, keyDateStage[field]), [path, 'stage']);
      }
    }
  }
  return keyDates;
}

function toViolations(findings: readonly Finding[]): FieldViolation[] {
  return findings.map(({ field, problem }) => ({ field, problem }));
}

function orderedKeyDates(keyDates: KeyDates): KeyDates {
  const ordered: KeyDates = {};
  for (const field of keyDateFields) {
    const date = keyDates[field];
    if (date !== undefined) ordered[field] = date;
  }
  return ordered;
}

function assemble(values: Partial<MemberProfile>, keyDates: KeyDates): MemberProfile | undefined {
  const { name, gender, ethnicity, birthDate, nationalId, education, phone, organizationId, stage } = values;
  if (
    name === undefined ||
    gender === undefined ||
    ethnicity === undefined ||
    birthDate === undefined ||
    nationalId === undefined ||
    education === undefined ||
    organizationId === undefined ||
    stage === undefined
  ) {
    return undefined;
  }
  const profile: MemberProfile = {
    name,
    gender,
    ethnicity,
    birthDate,
    nationalId,
    education,
    organizationId,
    stage,
    keyDates: orderedKeyDates(keyDates),
  };
  if (phone !== undefined) profile.phone = phone;
  return profile;
}

/**
 * Validates a complete profile (from a request body or an import row) and returns it normalised:
 * text trimmed, national ID upper case, phone digits only, blank optional values dropped.
 * Unknown properties are ignored. Every bad field is named, with dotted paths for key dates.
 */
export function validateProfile(input: unknown, today: string): ProfileResult {
  assertToday(today);
  if (!isRecord(input)) return { ok: false, violations: [{ field: 'profile', problem: profileProblems.notObject }] };
  const { findings, values, keyDates } = checkRecord(input, today);
  const profile = findings.list.length === 0 ? assemble(values, keyDates) : undefined;
  if (profile === undefined) return { ok: false, violations: toViolations(findings.list) };
  return { ok: true, profile };
}

/**
 * Validates a partial update against the current profile. Only fields present in the patch are
 * checked on their own (a stored value that no longer passes does not block an unrelated edit);
 * rules between fields are checked on the merged result and reported when the patch touched any
 * field they involve. In `keyDates`, only the dates given change; null or '' clears a date, as it
 * clears `phone`. Unknown fields are refused, since a misspelt field would otherwise do nothing.
 */
export function validateProfilePatch(patch: unknown, current: MemberProfile, today: string): ProfileResult {
  assertToday(today);
  if (!isRecord(patch)) return { ok: false, violations: [{ field: 'patch', problem: profileProblems.notObject }] };

  const unknown: FieldViolation[] = [];
  const touched = new Set<string>();
  const merged: Record<string, unknown> = { ...current };
  const mergedKeyDates: Record<string, unknown> = { ...current.keyDates };
  merged['keyDates'] = mergedKeyDates;

  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!(profileFields as readonly string[]).includes(field)) {
      unknown.push({ field, problem: profileProblems.unknownField });
    } else if (field === 'keyDates' && value === null) {
      for (const dateField of keyDateFields) {
        touched.add(`keyDates.${dateField}`);
        mergedKeyDates[dateField] = null;
      }
    } else if (field === 'keyDates' && isRecord(value)) {
      for (const [dateField, date] of Object.entries(value)) {
        if (date === undefined) continue;
        if (!(keyDateFields as readonly string[]).includes(dateField)) {
          unknown.push({ field: `keyDates.${dateField}`, problem: profileProblems.unknownKeyDate });
        } else {
          touched.add(`keyDates.${dateField}`);
          mergedKeyDates[dateField] = date;
        }
      }
    } else {
      touched.add(field);
      merged[field] = value;
    }
  }

  const { findings, values, keyDates } = checkRecord(merged, today);
  const relevant = findings.list.filter((f) => f.involves.some((field) => touched.has(field)));
  if (unknown.length > 0 || relevant.length > 0) {
    return { ok: false, violations: [...unknown, ...toViolations(relevant)] };
  }

  // Untouched fields that fail today's checks keep their stored values.
  const profile: MemberProfile = { ...current, keyDates: {} };
  for (const field of profileFields) {
    if (field === 'keyDates' || !touched.has(field)) continue;
    if (field === 'phone') {
      if (values.phone === undefined) delete profile.phone;
      else profile.phone = values.phone;
    } else {
      Object.assign(profile, { [field]: values[field] });
    }
  }
  const dates: KeyDates = { ...current.keyDates };
  for (const field of keyDateFields) {
    if (!touched.has(`keyDates.${field}`)) continue;
    const date = keyDates[field];
    if (date === undefined) delete dates[field];
    else dates[field] = date;
  }
  profile.keyDates = orderedKeyDates(dates);
  return { ok: true, profile };
}

/** Returns the profile, or throws VALIDATION_FAILED naming every bad field. */
export function profileOrThrow(result: ProfileResult): MemberProfile {
  if (!result.ok) throw validationFailed(result.violations);
  return result.profile;
}
