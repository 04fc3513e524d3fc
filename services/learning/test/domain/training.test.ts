import { duplicateRefusal, findDuplicate, validateTraining, type Training, type TrainingCandidate } from '../../src/domain/training';
import { expectDomainError } from '../errors';

let serial = 0;
const training = (overrides: Partial<Training>): Training => ({
  id: `t${++serial}`,
  memberId: 'm1',
  courseId: '',
  title: '县处级干部进修班',
  topic: '学习贯彻党的二十大精神',
  courseCode: '',
  organiserKind: 'partySchool',
  organiserName: '省委党校',
  mode: 'offline',
  fullTime: true,
  startDate: '2026-03-01',
  endDate: '2026-03-20',
  quarterHours: 480,
  certificateNumber: '',
  status: 'completed',
  override: null,
  orgPath: '/1/',
  createdBy: 'admin',
  createdAt: '2026-03-21T00:00:00Z',
  ...overrides,
});
const candidate = (overrides: Partial<TrainingCandidate>): TrainingCandidate => ({
  courseId: 'c9',
  courseCode: '',
  topic: '基层治理',
  fullTime: false,
  startDate: '2026-09-01',
  endDate: '2026-09-03',
  ...overrides,
});

test('the same course (by id or by code) completed is a duplicate', () => {
  const done = training({ courseId: 'c9' });
  expect(findDuplicate(candidate({}), [done], 12, '2026-08-01')).toMatchObject({ rule: 'sameCourseCompleted', training: done });
  const online = training({ courseId: 'c1', courseCode: 'JC-01', mode: 'online', fullTime: false });
  expect(findDuplicate(candidate({ courseId: 'c2', courseCode: 'JC-01' }), [online], 12, '2026-08-01')?.rule).toBe('sameCourseCompleted');
  // Enrolled but not completed, or cancelled: not this rule.
  expect(findDuplicate(candidate({}), [training({ courseId: 'c9', status: 'cancelled' })], 12, '2026-08-01')).toBeUndefined();
});

test('the same topic within the period is a duplicate, however it is spaced', () => {
  const done = training({ topic: '学习贯彻 党的二十大精神', endDate: '2026-03-20' });
  expect(findDuplicate(candidate({ topic: '学习贯彻党的二十大精神' }), [done], 12, '2026-08-01')?.rule).toBe('sameTopicWithinPeriod');
  // More than 12 months before the new one starts: fine.
  expect(
    findDuplicate(candidate({ topic: '学习贯彻党的二十大精神', startDate: '2027-04-01', endDate: '2027-04-02' }), [done], 12, '2026-08-01'),
  ).toBeUndefined();
  expect(
    findDuplicate(candidate({ topic: '学习贯彻党的二十大精神', startDate: '2027-04-01', endDate: '2027-04-02' }), [done], 24, '2026-08-01')
      ?.rule,
  ).toBe('sameTopicWithinPeriod');
});

test('a class of the same topic under way is a duplicate (多头调训); a cancelled one is not', () => {
  const underWay = training({ topic: '基层治理', status: 'enrolled', fullTime: false, startDate: '2026-11-01', endDate: '2026-11-02' });
  const finding = findDuplicate(candidate({}), [underWay], 12, '2026-08-01');
  expect(finding).toMatchObject({ rule: 'sameTopicWithinPeriod', training: underWay });
  expect(duplicateRefusal(finding!, 12).message).toContain('under way');
  expect(findDuplicate(candidate({}), [{ ...underWay, status: 'cancelled' }], 12, '2026-08-01')).toBeUndefined();
});

test('dates overlapping a full-time class are a duplicate', () => {
  const full = training({ topic: '党性教育', status: 'enrolled', startDate: '2026-09-02', endDate: '2026-09-10' });
  expect(findDuplicate(candidate({}), [full], 12, '2026-08-01')?.rule).toBe('fullTimeOverlap');
  expect(findDuplicate(candidate({ startDate: '2026-09-11', endDate: '2026-09-12' }), [full], 12, '2026-08-01')).toBeUndefined();
  const partTime = training({ topic: '党性教育', status: 'enrolled', fullTime: false, startDate: '2026-09-02', endDate: '2026-09-10' });
  expect(findDuplicate(candidate({}), [partTime], 12, '2026-08-01')).toBeUndefined();
  expect(findDuplicate(candidate({ fullTime: true }), [partTime], 12, '2026-08-01')?.rule).toBe('fullTimeOverlap');
  // An online course without dates overlaps nothing.
  expect(findDuplicate(candidate({ startDate: '', endDate: '' }), [full], 12, '2026-08-01')).toBeUndefined();
});

test('the refusal names the rule and the earlier training', () => {
  const done = training({ id: 'earlier', courseId: 'c9' });
  const error = duplicateRefusal({ rule: 'sameCourseCompleted', training: done }, 12);
  expect(error.code).toBe('TRAINING_COURSE_COMPLETED');
  expect(error.details).toMatchObject({ rule: 'sameCourseCompleted', trainingId: 'earlier', title: '县处级干部进修班' });
  expect(error.message).toContain('《县处级干部进修班》');
});

test('a recorded training is complete and has ended', () => {
  const fields = {
    title: 'x',
    topic: 'y',
    courseCode: '',
    organiserKind: 'partySchool' as const,
    organiserName: 'z',
    mode: 'offline' as const,
    fullTime: true,
    startDate: '2026-03-01',
    endDate: '2026-03-02',
    quarterHours: 64,
    certificateNumber: '',
  };
  expect(validateTraining(fields, '2026-12-06').quarterHours).toBe(64);
  expectDomainError(() => validateTraining({ ...fields, endDate: '2026-02-01' }, '2026-12-06'), 'VALIDATION_FAILED', {
    endDate: expect.any(String),
  });
  expectDomainError(() => validateTraining({ ...fields, endDate: '2027-01-01' }, '2026-12-06'), 'VALIDATION_FAILED', {
    endDate: expect.stringContaining('today'),
  });
  expectDomainError(() => validateTraining({ ...fields, quarterHours: 0 }, '2026-12-06'), 'VALIDATION_FAILED', {
    quarterHours: expect.any(String),
  });
});
