import { DomainError, type FieldViolation } from '@repo/errors';
import {
  developmentStages,
  educationByLabel,
  educationLabels,
  educationLevels,
  ethnicGroups,
  genderByLabel,
  genderLabels,
  keyDateFields,
  profileOrThrow,
  requiredKeyDates,
  stageByLabel,
  stageLabels,
  validateProfile,
  validateProfilePatch,
  type DevelopmentStage,
  type KeyDates,
  type MemberProfile,
  type ProfileResult,
} from '../../src/domain/profile';
import { syntheticId, withWrongCheck } from '../fixtures/national-ids';

const today = '2025-06-30';

const fullDates: Required<KeyDates> = {
  applicationDate: '2010-01-01',
  activistDate: '2010-07-01',
  candidateDate: '2011-07-01',
  probationaryDate: '2012-01-01',
  fullDate: '2013-01-01',
};

/** Key dates a member at `stage` has: its own and the earlier ones. */
function datesFor(stage: DevelopmentStage): KeyDates {
  return Object.fromEntries(requiredKeyDates[stage].map((f) => [f, fullDates[f]]));
}

function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '测试党员',
    gender: 'male',
    ethnicity: '汉族',
    birthDate: '1990-01-01',
    nationalId: syntheticId('1990-01-01', 'male'),
    education: 'bachelor',
    phone: '13812345678',
    organizationId: 'org-42',
    stage: 'full',
    keyDates: { ...fullDates },
    ...overrides,
  };
}

function profileOf(result: ProfileResult): MemberProfile {
  if (!result.ok) throw new Error(`expected a valid profile, got ${JSON.stringify(result.violations)}`);
  return result.profile;
}

function violationsOf(result: ProfileResult): FieldViolation[] {
  if (result.ok) throw new Error('expected violations');
  return result.violations;
}

/** Problems by field; also checks no field is named twice. */
function problemsOf(result: ProfileResult): Record<string, string> {
  const violations = violationsOf(result);
  const fields = violations.map((v) => v.field);
  expect(new Set(fields).size).toBe(fields.length);
  return Object.fromEntries(violations.map((v) => [v.field, v.problem]));
}

function check(overrides: Record<string, unknown>): ProfileResult {
  return validateProfile(validInput(overrides), today);
}

describe('validateProfile: a valid profile', () => {
  test('is returned normalised', () => {
    const id = syntheticId('1990-01-01', 'female', { genderDigit: 2 });
    const profile = profileOf(
      check({
        name: '  测试党员  ',
        gender: 'female',
        nationalId: ` ${id.slice(0, 17)}${id.slice(17).toLowerCase()} `,
        phone: '+86 138-1234-5678',
        keyDates: {
          fullDate: '2013-01-01',
          applicationDate: ' 2010-01-01 ',
          activistDate: '2010-07-01',
          candidateDate: '2011-07-01',
          probationaryDate: '2012-01-01',
        },
        extra: 'ignored',
      }),
    );
    expect(profile).toEqual({
      name: '测试党员',
      gender: 'female',
      ethnicity: '汉族',
      birthDate: '1990-01-01',
      nationalId: id,
      education: 'bachelor',
      phone: '13812345678',
      organizationId: 'org-42',
      stage: 'full',
      keyDates: fullDates,
    });
    expect(Object.keys(profile.keyDates)).toEqual([...keyDateFields]);
  });

  test.each([undefined, null, '', '   '])('phone %p is left out', (phone) => {
    const profile = profileOf(check({ phone }));
    expect('phone' in profile).toBe(false);
  });

  test('a missing keyDates object means no dates, and even an applicant needs one', () => {
    expect(problemsOf(check({ stage: 'applicant', keyDates: undefined }))).toEqual({
      'keyDates.applicationDate': 'MEMBER_STAGE_KEY_DATES: is required for stage applicant',
    });
  });
});

describe('validateProfile: required fields and types', () => {
  test('input that is not an object', () => {
    expect(violationsOf(validateProfile('name=张三', today))).toEqual([{ field: 'profile', problem: 'must be an object' }]);
    expect(violationsOf(validateProfile(null, today))).toEqual([{ field: 'profile', problem: 'must be an object' }]);
    expect(violationsOf(validateProfile([], today))).toEqual([{ field: 'profile', problem: 'must be an object' }]);
  });

  test.each(['name', 'gender', 'ethnicity', 'birthDate', 'nationalId', 'education', 'organizationId', 'stage'])(
    '%s is required',
    (field) => {
      expect(problemsOf(check({ [field]: undefined }))[field]).toBe('is required');
      expect(problemsOf(check({ [field]: '  ' }))[field]).toBe('is required');
    },
  );

  test.each(['name', 'birthDate', 'nationalId', 'phone', 'organizationId'])('%s must be a string', (field) => {
    expect(problemsOf(check({ [field]: 12345 }))[field]).toBe('must be a string');
  });

  test('every bad field is named at once, with dotted paths for key dates', () => {
    const problems = problemsOf(
      check({ name: '', gender: 'M', education: 'phd', phone: '12345', keyDates: { ...fullDates, activistDate: '2010-13-01' } }),
    );
    expect(Object.keys(problems).sort()).toEqual(['education', 'gender', 'keyDates.activistDate', 'name', 'phone']);
  });

  test('profileOrThrow throws VALIDATION_FAILED with every field', () => {
    try {
      profileOrThrow(check({ name: '', phone: '123' }));
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('VALIDATION_FAILED');
      expect((err as DomainError).details).toEqual({ name: 'is required', phone: expect.stringMatching(/^must be a mainland mobile/) });
    }
    expect(profileOrThrow(check({})).name).toBe('测试党员');
  });

  test('a malformed today is a programming error', () => {
    expect(() => validateProfile(validInput(), '30/06/2025')).toThrow(RangeError);
  });
});

describe('name', () => {
  test('1 and 50 characters are accepted; 51 is not', () => {
    expect(check({ name: '张' }).ok).toBe(true);
    expect(check({ name: '张'.repeat(50) }).ok).toBe(true);
    expect(problemsOf(check({ name: '张'.repeat(51) })).name).toBe('must be 1 to 50 characters');
  });

  test('length counts characters, not UTF-16 units', () => {
    expect(check({ name: '𠀀'.repeat(50) }).ok).toBe(true);
  });

  test('length is measured after trimming', () => {
    expect(profileOf(check({ name: `  ${'张'.repeat(50)}  ` })).name).toBe('张'.repeat(50));
  });

  test('a middle dot as in transliterated names is fine', () => {
    expect(check({ name: '阿依古丽·买买提' }).ok).toBe(true);
  });

  test.each([
    ['a bell', '张\u0007三'],
    ['a line break', '张\n三'],
    ['a zero-width space', '张\u200b三'],
    ['a line separator', '张\u2028三'],
  ])('%s is refused', (_label, name) => {
    expect(problemsOf(check({ name })).name).toBe('must not contain control or invisible format characters');
  });
});

describe('gender, education, stage and ethnicity', () => {
  test.each(['male', 'female'])('gender %s is accepted', (gender) => {
    const id = syntheticId('1990-01-01', gender as 'male' | 'female');
    expect(check({ gender, nationalId: id }).ok).toBe(true);
  });

  test.each(['男', 'Male', 'm', 'other'])('gender %s is refused (labels are read by import)', (gender) => {
    expect(problemsOf(check({ gender })).gender).toBe('must be one of male, female');
  });

  test.each([...educationLevels])('education %s is accepted', (education) => {
    expect(check({ education }).ok).toBe(true);
  });

  test.each(['本科', 'Bachelor', 'phd'])('education %s is refused', (education) => {
    expect(problemsOf(check({ education })).education).toBe(
      'must be one of primary, juniorHigh, seniorHigh, vocational, associate, bachelor, master, doctorate',
    );
  });

  test.each([...developmentStages])('stage %s with its key dates is accepted', (stage) => {
    expect(check({ stage, keyDates: datesFor(stage) }).ok).toBe(true);
  });

  test.each(['正式党员', 'member', 'disqualified'])('stage %s is refused', (stage) => {
    expect(problemsOf(check({ stage })).stage).toBe('must be one of applicant, activist, candidate, probationary, full');
  });

  test('there are 56 distinct ethnic groups, each written with 族', () => {
    expect(ethnicGroups).toHaveLength(56);
    expect(new Set(ethnicGroups).size).toBe(56);
    for (const group of ethnicGroups) expect(group).toMatch(/^[\u4e00-\u9fff]+族$/);
  });

  test.each([...ethnicGroups])('ethnicity %s is accepted', (ethnicity) => {
    expect(profileOf(check({ ethnicity })).ethnicity).toBe(ethnicity);
  });

  test.each(['汉', '蒙古', '穿青人', 'Han', '汉族人'])('ethnicity %s is refused', (ethnicity) => {
    expect(problemsOf(check({ ethnicity })).ethnicity).toBe('must be one of the 56 ethnic groups written in full, e.g. 汉族, 壮族');
  });
});

describe('birthDate', () => {
  test.each(['1990-02-30', '1990/01/01', '19900101', '1990-1-1'])('%s is not a calendar date', (birthDate) => {
    expect(problemsOf(check({ birthDate })).birthDate).toBe('must be a calendar date YYYY-MM-DD');
  });

  test('today is accepted, tomorrow is in the future', () => {
    const input = (birthDate: string) => check({ birthDate, nationalId: syntheticId(birthDate, 'male'), stage: 'applicant', keyDates: {} });
    expect(problemsOf(input(today)).birthDate).toBeUndefined();
    expect(problemsOf(input('2025-07-01')).birthDate).toBe('must not be in the future');
  });

  test('1900-01-01 is accepted, 1899-12-31 is too early', () => {
    const ok = check({ birthDate: '1900-01-01', nationalId: syntheticId('1900-01-01', 'male'), keyDates: { ...fullDates } });
    expect(ok.ok).toBe(true);
    expect(problemsOf(check({ birthDate: '1899-12-31' })).birthDate).toBe('must be on or after 1900-01-01');
  });
});

describe('nationalId', () => {
  test('a bad number reports what is wrong with it', () => {
    expect(problemsOf(check({ nationalId: withWrongCheck(syntheticId('1990-01-01', 'male')) })).nationalId).toMatch(/^checksum: /);
    expect(problemsOf(check({ nationalId: '1101051990010199' })).nationalId).toBe('length: must be 18 characters, not 16');
  });

  test('a birth date that differs from birthDate is MEMBER_NATIONAL_ID_MISMATCH', () => {
    const problems = problemsOf(check({ nationalId: syntheticId('1990-01-02', 'male') }));
    expect(problems).toEqual({
      nationalId: 'MEMBER_NATIONAL_ID_MISMATCH: the national ID gives birth date 1990-01-02, not birthDate 1990-01-01',
    });
  });

  test('a gender that differs from gender is MEMBER_NATIONAL_ID_MISMATCH', () => {
    expect(problemsOf(check({ nationalId: syntheticId('1990-01-01', 'female') }))).toEqual({
      nationalId: 'MEMBER_NATIONAL_ID_MISMATCH: the national ID gives gender female, not male',
    });
  });

  test('both differences are one problem on nationalId', () => {
    expect(problemsOf(check({ nationalId: syntheticId('1991-01-01', 'female') }))).toEqual({
      nationalId:
        'MEMBER_NATIONAL_ID_MISMATCH: the national ID gives birth date 1991-01-01, not birthDate 1990-01-01 and gender female, not male',
    });
  });

  test('no mismatch is claimed against a birthDate or gender that is itself invalid', () => {
    expect(problemsOf(check({ birthDate: '1990-02-30', gender: 'x' }))).toEqual({
      birthDate: 'must be a calendar date YYYY-MM-DD',
      gender: 'must be one of male, female',
    });
  });
});

describe('phone', () => {
  test.each(['13012345678', '13812345678', '19912345678', '+8613812345678', '138 1234 5678'])('%s is accepted', (phone) => {
    expect(profileOf(check({ phone })).phone).toMatch(/^1[3-9]\d{9}$/);
  });

  test.each(['12812345678', '10012345678', '1381234567', '138123456789', '23812345678', '010-12345678', '1381234567a'])(
    '%s is refused',
    (phone) => {
      expect(problemsOf(check({ phone })).phone).toBe('must be a mainland mobile number: 11 digits, 1 then 3-9 then 9 digits');
    },
  );
});

describe('organizationId', () => {
  test('100 characters are accepted, 101 are not', () => {
    expect(check({ organizationId: 'o'.repeat(100) }).ok).toBe(true);
    expect(problemsOf(check({ organizationId: 'o'.repeat(101) })).organizationId).toBe('must be at most 100 characters');
  });
});

describe('key dates', () => {
  test('keyDates must be an object', () => {
    expect(problemsOf(check({ keyDates: '2010-01-01' })).keyDates).toBe('must be an object');
  });

  test('a key date must be a calendar date', () => {
    expect(problemsOf(check({ keyDates: { ...fullDates, candidateDate: '2011-02-29' } }))).toEqual({
      'keyDates.candidateDate': 'must be a calendar date YYYY-MM-DD',
    });
  });

  test('a key date may be today but not tomorrow', () => {
    expect(check({ keyDates: { ...fullDates, fullDate: today } }).ok).toBe(true);
    expect(problemsOf(check({ keyDates: { ...fullDates, fullDate: '2025-07-01' } }))).toEqual({
      'keyDates.fullDate': 'must not be in the future',
    });
  });

  test('the same day as the previous date is in order; a day earlier is not', () => {
    expect(check({ keyDates: { ...fullDates, activistDate: fullDates.applicationDate } }).ok).toBe(true);
    expect(problemsOf(check({ keyDates: { ...fullDates, activistDate: '2009-12-31' } }))).toEqual({
      'keyDates.activistDate': 'MEMBER_STAGE_DATE: must be on or after keyDates.applicationDate (2010-01-01)',
    });
  });

  test.each([
    ['candidateDate', '2010-06-30', 'keyDates.activistDate (2010-07-01)'],
    ['probationaryDate', '2011-06-30', 'keyDates.candidateDate (2011-07-01)'],
    ['fullDate', '2011-12-31', 'keyDates.probationaryDate (2012-01-01)'],
  ])('%s before the previous date is out of order', (field, date, earlier) => {
    expect(problemsOf(check({ keyDates: { ...fullDates, [field]: date } }))).toEqual({
      [`keyDates.${field}`]: `MEMBER_STAGE_DATE: must be on or after ${earlier}`,
    });
  });

  test('the applicant must be 18 on the application date', () => {
    const on = (applicationDate: string) => check({ stage: 'applicant', keyDates: { applicationDate } });
    expect(on('2008-01-01').ok).toBe(true);
    expect(problemsOf(on('2007-12-31'))).toEqual({
      'keyDates.applicationDate': 'MEMBER_MIN_AGE: must be on or after the 18th birthday (2008-01-01)',
    });
  });

  test('someone born on 29 February turns 18 on 28 February of a common year', () => {
    const base = { birthDate: '2000-02-29', nationalId: syntheticId('2000-02-29', 'male'), stage: 'applicant' };
    expect(check({ ...base, keyDates: { applicationDate: '2018-02-28' } }).ok).toBe(true);
    expect(problemsOf(check({ ...base, keyDates: { applicationDate: '2018-02-27' } }))).toEqual({
      'keyDates.applicationDate': 'MEMBER_MIN_AGE: must be on or after the 18th birthday (2018-02-28)',
    });
  });

  test('a key date before birth is refused even without an application date', () => {
    expect(problemsOf(check({ stage: 'activist', keyDates: { activistDate: '1989-12-31' } }))).toEqual({
      'keyDates.applicationDate': 'MEMBER_STAGE_KEY_DATES: is required for stage activist',
      'keyDates.activistDate': 'MEMBER_STAGE_DATE: must be after birthDate',
    });
  });

  describe('the stage decides which dates must be present', () => {
    const cases = developmentStages.flatMap((stage) => requiredKeyDates[stage].map((field) => [stage, field] as const));

    test.each(cases)('%s needs %s', (stage, field) => {
      const keyDates: KeyDates = { ...datesFor(stage) };
      delete keyDates[field];
      expect(problemsOf(check({ stage, keyDates }))).toEqual({
        [`keyDates.${field}`]: `MEMBER_STAGE_KEY_DATES: is required for stage ${stage}`,
      });
    });

    test('a blank date counts as missing', () => {
      expect(problemsOf(check({ stage: 'activist', keyDates: { ...datesFor('activist'), activistDate: ' ' } }))).toEqual({
        'keyDates.activistDate': 'MEMBER_STAGE_KEY_DATES: is required for stage activist',
      });
    });

    test.each([
      ['applicant', 'activistDate', 'activist'],
      ['activist', 'candidateDate', 'candidate'],
      ['candidate', 'probationaryDate', 'probationary'],
      ['probationary', 'fullDate', 'full'],
    ] as const)('%s must not yet have %s', (stage, field, own) => {
      expect(problemsOf(check({ stage, keyDates: { ...datesFor(stage), [field]: fullDates[field] } }))).toEqual({
        [`keyDates.${field}`]: `MEMBER_STAGE_KEY_DATES: must be empty for stage ${stage}; it is recorded on reaching stage ${own}`,
      });
    });
  });
});

describe('validateProfilePatch', () => {
  const current = profileOf(check({}));

  function patch(p: unknown, base: MemberProfile = current): ProfileResult {
    return validateProfilePatch(p, base, today);
  }

  test('changes only the fields given', () => {
    expect(profileOf(patch({ name: ' 新名字 ', education: 'master' }))).toEqual({ ...current, name: '新名字', education: 'master' });
  });

  test('an empty patch returns the current profile', () => {
    expect(profileOf(patch({}))).toEqual(current);
  });

  test('undefined values are not changes', () => {
    expect(profileOf(patch({ name: undefined }))).toEqual(current);
  });

  test('a given field is validated', () => {
    expect(problemsOf(patch({ name: '', phone: '123' }))).toEqual({
      name: 'is required',
      phone: 'must be a mainland mobile number: 11 digits, 1 then 3-9 then 9 digits',
    });
    expect(problemsOf(patch({ name: null })).name).toBe('is required');
  });

  test('a stored value that fails today does not block an unrelated change', () => {
    const legacy: MemberProfile = { ...current, phone: '0755-1234567' };
    expect(profileOf(patch({ name: '新名字' }, legacy))).toEqual({ ...legacy, name: '新名字' });
  });

  test('phone null or blank clears it', () => {
    expect('phone' in profileOf(patch({ phone: null }))).toBe(false);
    expect('phone' in profileOf(patch({ phone: '' }))).toBe(false);
  });

  test('a new birthDate must agree with the stored national ID', () => {
    expect(problemsOf(patch({ birthDate: '1990-01-02' }))).toEqual({
      nationalId: 'MEMBER_NATIONAL_ID_MISMATCH: the national ID gives birth date 1990-01-01, not birthDate 1990-01-02',
    });
  });

  test('a new gender must agree with the stored national ID', () => {
    expect(problemsOf(patch({ gender: 'female' }))).toEqual({
      nationalId: 'MEMBER_NATIONAL_ID_MISMATCH: the national ID gives gender male, not female',
    });
  });

  test('a corrected national ID with birth date and gender together is accepted', () => {
    const id = syntheticId('1991-02-03', 'female');
    const profile = profileOf(patch({ nationalId: id.toLowerCase(), birthDate: '1991-02-03', gender: 'female' }));
    expect(profile).toMatchObject({ nationalId: id, birthDate: '1991-02-03', gender: 'female' });
  });

  test('moving to a stage needs the dates of that stage', () => {
    const activist = profileOf(check({ stage: 'activist', keyDates: datesFor('activist') }));
    expect(problemsOf(patch({ stage: 'candidate' }, activist))).toEqual({
      'keyDates.candidateDate': 'MEMBER_STAGE_KEY_DATES: is required for stage candidate',
    });
    const moved = profileOf(patch({ stage: 'candidate', keyDates: { candidateDate: '2011-07-01' } }, activist));
    expect(moved.stage).toBe('candidate');
    expect(moved.keyDates).toEqual(datesFor('candidate'));
  });

  test('key dates merge one by one and are checked against the stored ones', () => {
    expect(problemsOf(patch({ keyDates: { activistDate: '2009-12-31' } }))).toEqual({
      'keyDates.activistDate': 'MEMBER_STAGE_DATE: must be on or after keyDates.applicationDate (2010-01-01)',
    });
    expect(problemsOf(patch({ keyDates: { applicationDate: '2010-08-01' } }))).toEqual({
      'keyDates.activistDate': 'MEMBER_STAGE_DATE: must be on or after keyDates.applicationDate (2010-08-01)',
    });
    expect(profileOf(patch({ keyDates: { activistDate: '2010-08-01' } })).keyDates).toEqual({
      ...fullDates,
      activistDate: '2010-08-01',
    });
  });

  test('null clears a key date, which the stage may still need', () => {
    expect(problemsOf(patch({ keyDates: { fullDate: null } }))).toEqual({
      'keyDates.fullDate': 'MEMBER_STAGE_KEY_DATES: is required for stage full',
    });
    const back = profileOf(patch({ stage: 'probationary', keyDates: { fullDate: null } }));
    expect(back.keyDates).toEqual(datesFor('probationary'));
  });

  test('keyDates null clears every date', () => {
    expect(Object.keys(problemsOf(patch({ keyDates: null })))).toEqual(keyDateFields.map((f) => `keyDates.${f}`));
  });

  test('keyDates that is not an object is refused', () => {
    expect(problemsOf(patch({ keyDates: 'x' }))).toEqual({ keyDates: 'must be an object' });
  });

  test('unknown fields are refused so a misspelling does not pass silently', () => {
    expect(problemsOf(patch({ nmae: '新名字', keyDates: { joinDate: '2010-01-01' } }))).toEqual({
      nmae: 'is not a field of a member profile',
      'keyDates.joinDate': 'is not a key date (applicationDate, activistDate, candidateDate, probationaryDate, fullDate)',
    });
  });

  test('a patch that is not an object is refused', () => {
    expect(violationsOf(patch('name=x'))).toEqual([{ field: 'patch', problem: 'must be an object' }]);
  });

  test('the current profile is not changed', () => {
    const before = JSON.stringify(current);
    patch({ name: '新名字', keyDates: { fullDate: null } });
    expect(JSON.stringify(current)).toBe(before);
  });
});

describe('Chinese labels', () => {
  test('each code has a label and each label leads back to its code', () => {
    for (const [code, label] of Object.entries(genderLabels)) expect(genderByLabel.get(label)).toBe(code);
    for (const [code, label] of Object.entries(educationLabels)) expect(educationByLabel.get(label)).toBe(code);
    for (const [code, label] of Object.entries(stageLabels)) expect(stageByLabel.get(label)).toBe(code);
    expect(Object.keys(educationLabels)).toEqual([...educationLevels]);
    expect(Object.keys(stageLabels)).toEqual([...developmentStages]);
  });

  test('the labels are the ones used in forms', () => {
    expect(genderByLabel.get('男')).toBe('male');
    expect(genderByLabel.get('女')).toBe('female');
    expect([...educationByLabel.keys()]).toEqual(['小学', '初中', '高中', '中专', '大专', '本科', '硕士研究生', '博士研究生']);
    expect([...stageByLabel.keys()]).toEqual(['入党申请人', '入党积极分子', '发展对象', '预备党员', '正式党员']);
  });

  test('object keys are not labels', () => {
    expect(genderByLabel.get('constructor')).toBeUndefined();
    expect(stageByLabel.get('__proto__')).toBeUndefined();
  });
});
