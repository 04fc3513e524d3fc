import type { Question } from '../../src/domain/exam';
import {
  buildPaperQuestions,
  deadlineOf,
  gradeAnswer,
  nextAttempt,
  submitted,
  tooFastFlag,
  validateAnswer,
  type Paper,
  type PaperQuestion,
} from '../../src/domain/paper';
import { expectDomainError } from '../errors';

const q = (id: string, overrides: Partial<Question>): Question => ({
  id,
  bankId: 'b1',
  orgPath: '/1/',
  type: 'singleChoice',
  stem: id,
  options: [
    { key: 'A', text: 'a' },
    { key: 'B', text: 'b' },
    { key: 'C', text: 'c' },
    { key: 'D', text: 'd' },
  ],
  correctKeys: ['B'],
  correctTruth: false,
  blanks: [],
  referenceAnswer: '',
  knowledgePoints: [],
  createdBy: 'x',
  createdAt: '',
  ...overrides,
});

const questions = [
  q('single', {}),
  q('multiple', { type: 'multipleChoice', correctKeys: ['A', 'C'] }),
  q('truth', { type: 'trueFalse', options: [], correctKeys: [], correctTruth: true }),
  q('fill', { type: 'fillIn', options: [], correctKeys: [], blanks: [['三会一课'], ['党员大会', '支部党员大会']] }),
  q('short', { type: 'shortAnswer', options: [], correctKeys: [], referenceAnswer: '……' }),
];
const fixed = { fixedQuestions: questions.map((x) => ({ questionId: x.id, score: 10 })), drawRules: [] };

test("options are shuffled per candidate and reproducibly; keys stay the bank's", () => {
  const a = buildPaperQuestions(fixed, questions, 'e1:m1:1');
  expect(buildPaperQuestions(fixed, questions, 'e1:m1:1')).toEqual(a);
  const orders = new Set(
    ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((m) =>
      buildPaperQuestions(fixed, questions, `e1:${m}:1`)
        .map((x) => x.questionId)
        .join(),
    ),
  );
  expect(orders.size).toBeGreaterThan(1);
  const single = a.find((x) => x.questionId === 'single')!;
  expect(single.options.map((o) => o.key).sort()).toEqual(['A', 'B', 'C', 'D']);
});

const paperQ = (id: string) => buildPaperQuestions(fixed, questions, 'seed').find((x) => x.questionId === id)!;
const answer = (overrides: Partial<{ keys: string[]; truth: boolean; texts: string[] }>) => ({
  keys: [],
  truth: false,
  texts: [],
  ...overrides,
});

test('automatic grading: exact option sets, true/false, accepted spellings; short answers wait', () => {
  expect(gradeAnswer(paperQ('single'), answer({ keys: ['B'] }))).toBe(10);
  expect(gradeAnswer(paperQ('single'), answer({ keys: ['A'] }))).toBe(0);
  expect(gradeAnswer(paperQ('multiple'), answer({ keys: ['A', 'C'] }))).toBe(10);
  expect(gradeAnswer(paperQ('multiple'), answer({ keys: ['A'] }))).toBe(0);
  expect(gradeAnswer(paperQ('truth'), answer({ truth: true }))).toBe(10);
  expect(gradeAnswer(paperQ('fill'), answer({ texts: ['三会一课', ' 支部党员大会 '] }))).toBe(10);
  expect(gradeAnswer(paperQ('fill'), answer({ texts: ['三会一课', '党小组会'] }))).toBe(0);
  expect(gradeAnswer(paperQ('short'), answer({ texts: ['……'] }))).toBe(-1);
});

test('answers are checked against their question', () => {
  expect(validateAnswer(paperQ('multiple'), answer({ keys: ['C', 'A'] })).keys).toEqual(['A', 'C']);
  expectDomainError(() => validateAnswer(paperQ('single'), answer({ keys: ['A', 'B'] })), 'VALIDATION_FAILED', {
    'answer.keys': expect.any(String),
  });
  expectDomainError(() => validateAnswer(paperQ('single'), answer({ keys: ['E'] })), 'VALIDATION_FAILED');
  expectDomainError(() => validateAnswer(paperQ('fill'), answer({ texts: ['x'] })), 'VALIDATION_FAILED', {
    'answer.texts': expect.stringContaining('(2)'),
  });
});

const examSettings = { status: 'published' as const, opensAt: '', closesAt: '', retakes: 1 };
const now = new Date('2026-06-01T02:00:00Z');

test('one paper at a time, none after a pass, one retake after a fail', () => {
  expect(nextAttempt(examSettings, [], now)).toBe(1);
  expectDomainError(() => nextAttempt(examSettings, [{ id: 'p1', status: 'open', passed: false, attempt: 1 }], now), 'EXAM_PAPER_OPEN', {
    paperId: 'p1',
  });
  expect(nextAttempt(examSettings, [{ id: 'p1', status: 'graded', passed: false, attempt: 1 }], now)).toBe(2);
  expectDomainError(
    () => nextAttempt(examSettings, [{ id: 'p1', status: 'graded', passed: true, attempt: 1 }], now),
    'EXAM_ALREADY_PASSED',
  );
  expectDomainError(
    () => nextAttempt(examSettings, [{ id: 'p1', status: 'submitted', passed: false, attempt: 1 }], now),
    'EXAM_RESULT_PENDING',
  );
  const twoFails = [
    { id: 'p1', status: 'graded' as const, passed: false, attempt: 1 },
    { id: 'p2', status: 'graded' as const, passed: false, attempt: 2 },
  ];
  expectDomainError(() => nextAttempt(examSettings, twoFails, now), 'EXAM_NO_RETAKES_LEFT', { retakes: '1' });
  expectDomainError(() => nextAttempt({ ...examSettings, closesAt: '2026-06-01T01:00:00Z' }, [], now), 'EXAM_NOT_OPEN');
  expectDomainError(() => nextAttempt({ ...examSettings, status: 'closed' }, [], now), 'EXAM_NOT_OPEN');
});

test('the deadline is the duration, or the exam closing if sooner', () => {
  expect(deadlineOf({ durationMinutes: 30, closesAt: '' }, now).toISOString()).toBe('2026-06-01T02:30:00.000Z');
  expect(deadlineOf({ durationMinutes: 30, closesAt: '2026-06-01T02:10:00Z' }, now).toISOString()).toBe('2026-06-01T02:10:00.000Z');
});

const paper = (answers: Paper['answers'], pq: PaperQuestion[] = [paperQ('single'), paperQ('truth')]): Paper => ({
  id: 'p1',
  examId: 'e1',
  memberId: 'm1',
  attempt: 1,
  seed: 's',
  status: 'open',
  questions: pq,
  answers,
  startedAt: '2026-06-01T02:00:00.000Z',
  deadline: '2026-06-01T02:30:00.000Z',
  submittedAt: '',
  autoSubmitted: false,
  score: 0,
  totalScore: 20,
  passed: false,
  flags: [],
  orgPath: '/1/',
  gradedAt: '',
});
const record = (questionId: string, at: string, score: number) => ({ questionId, answer: answer({}), answeredAt: at, score, gradedBy: '' });

test('flags: an answer under the floor, a whole paper within a minute; never a penalty', () => {
  const p = paper([record('single', '2026-06-01T02:00:10.000Z', 10)]);
  expect(tooFastFlag(p, 'truth', new Date('2026-06-01T02:00:11.000Z'), 3)).toMatchObject({ kind: 'tooFast', questionId: 'truth' });
  expect(tooFastFlag(p, 'truth', new Date('2026-06-01T02:00:14.000Z'), 3)).toBeUndefined();
  expect(tooFastFlag(p, 'truth', new Date('2026-06-01T02:00:11.000Z'), 0)).toBeUndefined();
  const quick = paper([record('single', '2026-06-01T02:00:10.000Z', 10), record('truth', '2026-06-01T02:00:20.000Z', 10)]);
  const result = submitted(quick, new Date('2026-06-01T02:00:30.000Z'), false, 12);
  expect(result.flags.map((f) => f.kind)).toEqual(['paperUnderOneMinute']);
  expect(result).toMatchObject({ status: 'graded', score: 20, passed: true });
});

test('submitting: auto-submit dates to the deadline; a short answer leaves it waiting', () => {
  const withShort = paper([record('short', '2026-06-01T02:05:00.000Z', -1)], [paperQ('short')]);
  const result = submitted(withShort, new Date('2026-06-01T02:40:00Z'), true, 5);
  expect(result).toMatchObject({
    status: 'submitted',
    autoSubmitted: true,
    submittedAt: '2026-06-01T02:30:00.000Z',
    passed: false,
    gradedAt: '',
  });
});
