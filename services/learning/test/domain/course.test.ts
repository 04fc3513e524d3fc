import { defaultConversionTable, type ConversionTable } from '../../src/domain/conversion';
import {
  applyCourseStep,
  assertDraft,
  courseDates,
  unitHours,
  validateCourse,
  type CourseFields,
  type Unit,
} from '../../src/domain/course';
import { expectDomainError } from '../errors';

const unit = (overrides: Partial<Unit>): Unit => ({
  id: '',
  title: '学习党章',
  kind: 'article',
  minutes: 20,
  videoSeconds: 0,
  testExamId: '',
  days: [],
  place: '',
  ...overrides,
});

const course = (overrides: Partial<CourseFields> = {}): CourseFields => ({
  title: '学习贯彻党的二十届三中全会精神',
  code: 'JC-2026-01',
  summary: '',
  category: 'theory',
  requirement: 'required',
  audience: { kind: 'allMembers', cadreLevels: [] },
  topic: '二十届三中全会精神',
  organiserKind: 'organizationDepartment',
  organiserName: '中共江川省委组织部',
  fullTime: false,
  capacity: 0,
  units: [unit({})],
  ...overrides,
});

let serial = 0;
const newId = () => `u${++serial}`;

test('units get ids, days sorted; a valid course passes', () => {
  const valid = validateCourse(
    course({
      units: [
        unit({}),
        unit({
          kind: 'offlineSession',
          minutes: 0,
          place: '省委党校',
          days: [
            { date: '2026-06-02', part: 'halfDay' },
            { date: '2026-06-01', part: 'fullDay' },
          ],
        }),
      ],
    }),
    newId,
  );
  expect(valid.units.map((u) => u.id)).toEqual(['u1', 'u2']);
  expect(valid.units[1]!.days.map((d) => d.date)).toEqual(['2026-06-01', '2026-06-02']);
  expect(courseDates(valid)).toEqual({ startDate: '2026-06-01', endDate: '2026-06-02' });
  expect(courseDates(course())).toBeUndefined();
});

test('every field is checked and named', () => {
  expectDomainError(() => validateCourse(course({ title: ' ', units: [] }), newId), 'VALIDATION_FAILED', {
    title: 'is required',
    units: expect.any(String),
  });
  expectDomainError(() => validateCourse(course({ units: [unit({ minutes: 0 })] }), newId), 'VALIDATION_FAILED', {
    'units[0].minutes': expect.any(String),
  });
  expectDomainError(
    () => validateCourse(course({ units: [unit({ kind: 'video', minutes: 0, videoSeconds: 0 })] }), newId),
    'VALIDATION_FAILED',
    { 'units[0].videoSeconds': expect.any(String) },
  );
  expectDomainError(
    () => validateCourse(course({ units: [unit({ kind: 'offlineSession', minutes: 0, days: [] })] }), newId),
    'VALIDATION_FAILED',
    { 'units[0].days': expect.any(String), 'units[0].place': 'is required' },
  );
  expectDomainError(
    () =>
      validateCourse(
        course({ units: [unit({ kind: 'offlineSession', minutes: 0, place: 'x', days: [{ date: '2026-02-30', part: 'fullDay' }] })] }),
        newId,
      ),
    'VALIDATION_FAILED',
    { 'units[0].days[0].date': expect.any(String) },
  );
  expectDomainError(() => validateCourse(course({ fullTime: true, capacity: 30 }), newId), 'VALIDATION_FAILED', {
    fullTime: expect.any(String),
    capacity: expect.any(String),
  });
  expectDomainError(
    () => validateCourse(course({ audience: { kind: 'allMembers', cadreLevels: ['countyDivision'] } }), newId),
    'VALIDATION_FAILED',
    { 'audience.cadreLevels': expect.any(String) },
  );
  expectDomainError(() => validateCourse(course({ category: 'cooking' as never }), newId), 'VALIDATION_FAILED', {
    category: expect.stringContaining('theory'),
  });
});

test('class hours of units by the table in force', () => {
  const tableOn = (): ConversionTable => defaultConversionTable;
  expect(unitHours(unit({ minutes: 45 }), tableOn, '2026-05-01')).toBe(4);
  expect(unitHours(unit({ kind: 'video', minutes: 0, videoSeconds: 20 * 60 }), tableOn, '2026-05-01')).toBe(2);
  expect(unitHours(unit({ minutes: 45, testExamId: 'e1' }), tableOn, '2026-05-01')).toBe(6);
  const session = unit({
    kind: 'offlineSession',
    minutes: 0,
    place: 'x',
    days: [
      { date: '2026-06-01', part: 'fullDay' },
      { date: '2026-06-02', part: 'halfDay' },
    ],
  });
  expect(unitHours(session, tableOn, '2026-05-01')).toBe(48);
  // Each day by the table in force that day.
  const later: ConversionTable = { ...defaultConversionTable, effectiveFrom: '2026-06-02', offlineHalfDay: 12 };
  expect(unitHours(session, (date) => (date >= later.effectiveFrom ? later : defaultConversionTable), '2026-05-01')).toBe(44);
});

test('draft -> published -> withdrawn, withdrawing needs a reason, only drafts change', () => {
  expect(applyCourseStep({ status: 'draft' }, 'publish', 'a', '2026-01-01T00:00:00Z', '')).toMatchObject({
    from: 'draft',
    to: 'published',
  });
  expectDomainError(() => applyCourseStep({ status: 'draft' }, 'withdraw', 'a', 't', 'x'), 'COURSE_WORKFLOW_STEP', {
    requiredStatus: 'published',
  });
  expectDomainError(() => applyCourseStep({ status: 'published' }, 'withdraw', 'a', 't', ''), 'VALIDATION_FAILED', {
    note: expect.any(String),
  });
  expectDomainError(() => assertDraft({ status: 'published' }), 'COURSE_NOT_DRAFT');
});
