import {
  complianceForQuarter,
  meetingLimits,
  meetingRequirements,
  meetingTypes,
  validateMeeting,
  type MeetingRecord,
  type MeetingType,
} from '../../src/domain/meetings';
import { monthsOfQuarter, quarterOf } from '@repo/calendar';
import { domainErrorOf } from '@repo/errors/testing';

const failure = domainErrorOf;

const detailsOf = (fn: () => unknown) => failure(fn).details;

const today = '2026-08-20';
const valid: MeetingRecord = {
  orgId: '42',
  type: 'committeeMeeting',
  date: '2026-08-20',
  topic: ' 研究发展党员工作 ',
  minutes: '会议讨论了本季度发展对象的推荐人选。',
  attendance: { present: ['m1', ' m2 '], excused: ['m3'], absent: [] },
};

describe('meeting records', () => {
  test('a valid record comes back trimmed', () => {
    const record = validateMeeting(valid, today);
    expect(record.topic).toBe('研究发展党员工作');
    expect(record.attendance).toEqual({ present: ['m1', 'm2'], excused: ['m3'], absent: [] });
    expect(valid.topic).toBe(' 研究发展党员工作 ');
  });

  test('the date may be today but not later', () => {
    expect(validateMeeting({ ...valid, date: today }, today).date).toBe(today);
    expect(detailsOf(() => validateMeeting({ ...valid, date: '2026-08-21' }, today)).date).toMatch(/future/);
    expect(detailsOf(() => validateMeeting({ ...valid, date: '2026-02-30' }, today)).date).toMatch(/calendar date/);
  });

  test('topic of 1 to 200 characters, counted as characters', () => {
    const max = '党'.repeat(meetingLimits.topicMaxChars);
    expect(validateMeeting({ ...valid, topic: max }, today).topic).toBe(max);
    // Characters outside the basic plane are one character each, not two.
    expect(validateMeeting({ ...valid, topic: '𠀀'.repeat(200) }, today).topic).toHaveLength(400);
    expect(detailsOf(() => validateMeeting({ ...valid, topic: `${max}党` }, today))).toHaveProperty('topic');
    expect(detailsOf(() => validateMeeting({ ...valid, topic: '  ' }, today)).topic).toBe('is required');
  });

  test('minutes of up to 50,000 characters, and may be empty', () => {
    expect(validateMeeting({ ...valid, minutes: 'x'.repeat(meetingLimits.minutesMaxChars) }, today).minutes).toHaveLength(50_000);
    expect(validateMeeting({ ...valid, minutes: '' }, today).minutes).toBe('');
    expect(detailsOf(() => validateMeeting({ ...valid, minutes: 'x'.repeat(50_001) }, today))).toHaveProperty('minutes');
  });

  test('nobody is in two attendance lists, or twice in one', () => {
    const details = detailsOf(() =>
      validateMeeting({ ...valid, attendance: { present: ['m1', 'm2'], excused: ['m3', ' m1'], absent: ['m4', 'm4'] } }, today),
    );
    expect(details).toEqual({
      'attendance.excused[1]': 'member m1 is also in present',
      'attendance.absent[1]': 'member m4 is listed twice',
    });
  });

  test('at least one member present', () => {
    expect(detailsOf(() => validateMeeting({ ...valid, attendance: { present: [], excused: ['m1'], absent: [] } }, today))).toEqual({
      'attendance.present': 'at least one member must be present',
    });
    expect(validateMeeting({ ...valid, attendance: { present: ['m1'], excused: [], absent: [] } }, today).attendance.present).toEqual([
      'm1',
    ]);
  });

  test('every bad field is named at once', () => {
    const err = failure(() =>
      validateMeeting(
        {
          orgId: '',
          type: 'tea' as MeetingType,
          date: '2026-8-1',
          topic: '',
          minutes: '',
          attendance: { present: [''], excused: [], absent: [] },
        },
        today,
      ),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.kind).toBe('invalidArgument');
    expect(Object.keys(err.details).sort()).toEqual(
      ['attendance.present', 'attendance.present[0]', 'date', 'orgId', 'topic', 'type'].sort(),
    );
  });
});

describe('quarters', () => {
  test.each([
    ['2026-01-01', '2026-Q1'],
    ['2026-03-31', '2026-Q1'],
    ['2026-04-01', '2026-Q2'],
    ['2026-07-15', '2026-Q3'],
    ['2026-09-30', '2026-Q3'],
    ['2026-10-01', '2026-Q4'],
    ['2026-12-31', '2026-Q4'],
  ])('%s is in %s', (date, quarter) => {
    expect(quarterOf(date)).toBe(quarter);
  });

  test('months of a quarter', () => {
    expect(monthsOfQuarter('2026-Q3')).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(monthsOfQuarter('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
  });
});

describe('required frequencies', () => {
  test('one table: general meetings and lectures quarterly, committee and group meetings monthly', () => {
    expect(meetingRequirements).toEqual({
      generalMeeting: { every: 'quarter', onlyWithGroups: false },
      committeeMeeting: { every: 'month', onlyWithGroups: false },
      groupMeeting: { every: 'month', onlyWithGroups: true },
      partyLecture: { every: 'quarter', onlyWithGroups: false },
    });
  });
});

const m = (type: MeetingType, date: string) => ({ type, date });

// A full quarter held as required.
const fullQuarter = [
  ...['2026-07-10', '2026-08-12', '2026-09-09'].flatMap((d) => [m('committeeMeeting', d), m('groupMeeting', d)]),
  m('generalMeeting', '2026-09-20'),
  m('partyLecture', '2026-08-25'),
];

describe('compliance for a finished quarter', () => {
  const asOf = '2026-10-01';

  test('everything held: compliant', () => {
    const result = complianceForQuarter({ meetings: fullQuarter, quarter: '2026-Q3', asOf, hasGroups: true });
    expect(result.compliant).toBe(true);
    expect(result.byType).toEqual({
      generalMeeting: { applicable: true, required: 1, held: 1, compliant: true },
      committeeMeeting: { applicable: true, required: 3, held: 3, compliant: true, missingMonths: [] },
      groupMeeting: { applicable: true, required: 3, held: 3, compliant: true, missingMonths: [] },
      partyLecture: { applicable: true, required: 1, held: 1, compliant: true },
    });
  });

  test('a monthly meeting is needed in each month: three in July do not cover August', () => {
    const meetings = [
      ...fullQuarter.filter((x) => x.type !== 'committeeMeeting'),
      m('committeeMeeting', '2026-07-01'),
      m('committeeMeeting', '2026-07-15'),
      m('committeeMeeting', '2026-07-31'),
      m('committeeMeeting', '2026-09-30'),
    ];
    const result = complianceForQuarter({ meetings, quarter: '2026-Q3', asOf, hasGroups: true });
    expect(result.byType.committeeMeeting).toEqual({
      applicable: true,
      required: 3,
      held: 4,
      compliant: false,
      missingMonths: ['2026-08'],
    });
    expect(result.compliant).toBe(false);
  });

  test.each(['generalMeeting', 'partyLecture'] as const)('no %s in the quarter: not compliant', (type) => {
    const meetings = fullQuarter.filter((x) => x.type !== type);
    const result = complianceForQuarter({ meetings, quarter: '2026-Q3', asOf, hasGroups: true });
    expect(result.byType[type]).toEqual({ applicable: true, required: 1, held: 0, compliant: false });
    expect(result.compliant).toBe(false);
  });

  test('group meetings are required only where the branch has party groups', () => {
    const meetings = fullQuarter.filter((x) => x.type !== 'groupMeeting');
    expect(complianceForQuarter({ meetings, quarter: '2026-Q3', asOf, hasGroups: true }).byType.groupMeeting).toMatchObject({
      compliant: false,
      missingMonths: ['2026-07', '2026-08', '2026-09'],
    });
    const without = complianceForQuarter({ meetings, quarter: '2026-Q3', asOf, hasGroups: false });
    expect(without.byType.groupMeeting).toEqual({ applicable: false, required: 0, held: 0, compliant: true });
    expect(without.compliant).toBe(true);
  });

  test('meetings of other quarters do not count', () => {
    const meetings = [m('generalMeeting', '2026-06-30'), m('generalMeeting', '2026-10-01')];
    const result = complianceForQuarter({ meetings, quarter: '2026-Q3', asOf: '2026-10-15', hasGroups: false });
    expect(result.byType.generalMeeting).toMatchObject({ held: 0, compliant: false });
  });
});

describe('compliance for a quarter in progress: only what is already due', () => {
  const quarter = '2026-Q3';

  test('before any month has ended, nothing is due', () => {
    for (const asOf of ['2026-06-15', '2026-07-01', '2026-07-31']) {
      const result = complianceForQuarter({ meetings: [], quarter, asOf, hasGroups: true });
      expect(result.compliant).toBe(true);
      for (const type of meetingTypes) expect(result.byType[type].required).toBe(0);
    }
  });

  test('a monthly requirement is due once its month has ended', () => {
    const onLastDay = complianceForQuarter({ meetings: [], quarter, asOf: '2026-07-31', hasGroups: false });
    expect(onLastDay.byType.committeeMeeting).toMatchObject({ required: 0, compliant: true, missingMonths: [] });
    const nextDay = complianceForQuarter({ meetings: [], quarter, asOf: '2026-08-01', hasGroups: false });
    expect(nextDay.byType.committeeMeeting).toMatchObject({ required: 1, compliant: false, missingMonths: ['2026-07'] });
    expect(nextDay.compliant).toBe(false);
  });

  test('a quarterly requirement is due once the quarter has ended', () => {
    const meetings = fullQuarter.filter((x) => x.type === 'committeeMeeting');
    const onLastDay = complianceForQuarter({ meetings, quarter, asOf: '2026-09-30', hasGroups: false });
    expect(onLastDay.byType.generalMeeting).toEqual({ applicable: true, required: 0, held: 0, compliant: true });
    expect(onLastDay.byType.committeeMeeting).toMatchObject({ required: 2, held: 3, compliant: true });
    expect(onLastDay.compliant).toBe(true);
    const nextDay = complianceForQuarter({ meetings, quarter, asOf: '2026-10-01', hasGroups: false });
    expect(nextDay.byType.generalMeeting).toEqual({ applicable: true, required: 1, held: 0, compliant: false });
  });

  test('meetings already held count, and meetings after asOf do not', () => {
    const meetings = [m('committeeMeeting', '2026-07-10'), m('generalMeeting', '2026-08-05'), m('committeeMeeting', '2026-08-25')];
    const result = complianceForQuarter({ meetings, quarter, asOf: '2026-08-20', hasGroups: false });
    expect(result.byType.generalMeeting).toEqual({ applicable: true, required: 0, held: 1, compliant: true });
    expect(result.byType.committeeMeeting).toEqual({ applicable: true, required: 1, held: 1, compliant: true, missingMonths: [] });
    expect(result.compliant).toBe(true);
  });

  test('malformed quarter or date names the field', () => {
    const err = failure(() => complianceForQuarter({ meetings: [], quarter: '2026-Q5', asOf: '2026-13-01', hasGroups: false }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details).sort()).toEqual(['asOf', 'quarter']);
  });
});
