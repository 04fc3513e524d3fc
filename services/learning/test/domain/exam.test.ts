import {
  assertExamDraft,
  drawQuestions,
  normalizeFill,
  validateExam,
  validateQuestion,
  type ExamFields,
  type Question,
  type QuestionFields,
} from '../../src/domain/exam';
import { seededRandom, shuffled } from '../../src/domain/random';
import type { QuestionType } from '../../src/domain/vocabulary';
import { expectDomainError } from '../errors';

const fields = (overrides: Partial<QuestionFields>): QuestionFields => ({
  type: 'singleChoice',
  stem: '党的最高理想和最终目标是',
  options: [
    { key: 'A', text: '实现共产主义' },
    { key: 'B', text: '全面建成小康社会' },
  ],
  correctKeys: ['A'],
  correctTruth: false,
  blanks: [],
  referenceAnswer: '',
  knowledgePoints: ['党章'],
  ...overrides,
});

test('questions of each type are checked for what their type needs', () => {
  expect(validateQuestion(fields({})).correctKeys).toEqual(['A']);
  expectDomainError(() => validateQuestion(fields({ correctKeys: ['A', 'B'] })), 'VALIDATION_FAILED', {
    correctKeys: expect.stringContaining('exactly one'),
  });
  expectDomainError(() => validateQuestion(fields({ type: 'multipleChoice', correctKeys: ['A'] })), 'VALIDATION_FAILED', {
    correctKeys: expect.stringContaining('at least two'),
  });
  expectDomainError(
    () =>
      validateQuestion(
        fields({
          options: [
            { key: 'A', text: 'x' },
            { key: 'C', text: 'y' },
          ],
        }),
      ),
    'VALIDATION_FAILED',
    { 'options[1].key': expect.any(String) },
  );
  expectDomainError(() => validateQuestion(fields({ correctKeys: ['D'] })), 'VALIDATION_FAILED', { correctKeys: expect.any(String) });
  expectDomainError(() => validateQuestion(fields({ type: 'fillIn', options: [], correctKeys: [], blanks: [] })), 'VALIDATION_FAILED', {
    blanks: expect.any(String),
  });
  expectDomainError(() => validateQuestion(fields({ type: 'shortAnswer', options: [], correctKeys: [] })), 'VALIDATION_FAILED', {
    referenceAnswer: expect.any(String),
  });
  expectDomainError(() => validateQuestion(fields({ type: 'trueFalse', correctKeys: [] })), 'VALIDATION_FAILED', {
    options: expect.any(String),
  });
  expectDomainError(() => validateQuestion(fields({ type: 'essay' as never })), 'VALIDATION_FAILED', { type: expect.any(String) });
});

test('fill-in answers compare without width, case or spacing differences', () => {
  expect(normalizeFill(' ＣＰＣ  第二十次 ')).toBe(normalizeFill('cpc 第二十次'));
});

const exam = (overrides: Partial<ExamFields> = {}): ExamFields => ({
  title: '党章党规知识测试',
  fixedQuestions: [],
  drawRules: [{ bankId: 'b1', type: 'singleChoice', knowledgePoint: '', count: 2, score: 5 }],
  durationMinutes: 30,
  passMark: 6,
  retakes: 1,
  opensAt: '',
  closesAt: '',
  minSecondsPerQuestion: 3,
  audience: { kind: 'allMembers', cadreLevels: [] },
  ...overrides,
});

test('exam settings are checked', () => {
  expect(validateExam(exam()).title).toBe('党章党规知识测试');
  expectDomainError(() => validateExam(exam({ fixedQuestions: [{ questionId: 'q1', score: 5 }] })), 'VALIDATION_FAILED', {
    fixedQuestions: expect.stringContaining('either'),
  });
  expectDomainError(() => validateExam(exam({ passMark: 11 })), 'VALIDATION_FAILED', { passMark: expect.stringContaining('(10)') });
  expectDomainError(() => validateExam(exam({ durationMinutes: 0, retakes: -1 })), 'VALIDATION_FAILED', {
    durationMinutes: expect.any(String),
    retakes: expect.any(String),
  });
  expectDomainError(() => validateExam(exam({ opensAt: '2026-06-02T00:00:00Z', closesAt: '2026-06-01T00:00:00Z' })), 'VALIDATION_FAILED', {
    closesAt: expect.any(String),
  });
  // The audience is checked as a course's is.
  expectDomainError(() => validateExam(exam({ audience: { kind: 'allMembers', cadreLevels: ['countyDivision'] } })), 'VALIDATION_FAILED', {
    'audience.cadreLevels': expect.any(String),
  });
  expectDomainError(() => validateExam(exam({ audience: { kind: 'everyone' as never, cadreLevels: [] } })), 'VALIDATION_FAILED', {
    'audience.kind': expect.any(String),
  });
  expect(validateExam(exam({ audience: { kind: 'cadres', cadreLevels: ['countyDivision', 'countyDivision'] } })).audience).toEqual({
    kind: 'cadres',
    cadreLevels: ['countyDivision'],
  });
});

test('only a draft exam changes', () => {
  expectDomainError(() => assertExamDraft({ status: 'published' }), 'EXAM_NOT_DRAFT', { status: 'published' });
  expect(() => assertExamDraft({ status: 'draft' })).not.toThrow();
});

const bank = (n: number, type: QuestionType, points: string[] = []): Question[] =>
  Array.from({ length: n }, (_, i) => ({
    ...fields({ type, knowledgePoints: points }),
    id: `${type}-${points.join('')}-${i}`,
    bankId: 'b1',
    orgPath: '/1/',
    createdBy: 'x',
    createdAt: '',
  }));

test('a seed gives the same draw and shuffle, other seeds others', () => {
  const pool = bank(30, 'singleChoice');
  const rules = [{ bankId: 'b1', type: 'singleChoice' as const, knowledgePoint: '', count: 10, score: 2 }];
  const ids = (seed: string) => drawQuestions(rules, pool, seededRandom(seed))[0]!.map((q) => q.id);
  expect(ids('exam:alice:1')).toEqual(ids('exam:alice:1'));
  expect(ids('exam:alice:1')).not.toEqual(ids('exam:bob:1'));
  expect(new Set(ids('exam:alice:1')).size).toBe(10);
  expect(shuffled([1, 2, 3, 4, 5], seededRandom('s'))).toEqual(shuffled([1, 2, 3, 4, 5], seededRandom('s')));
});

test('overlapping rules never draw a question twice, and a bank too small is named', () => {
  // Two questions carry both knowledge points; rules for each point must still get distinct ones.
  const both = bank(2, 'singleChoice', ['党章', '准则']);
  const onlyCharter = bank(1, 'singleChoice', ['党章']);
  const rules = [
    { bankId: 'b1', type: 'singleChoice' as const, knowledgePoint: '党章', count: 2, score: 2 },
    { bankId: 'b1', type: 'singleChoice' as const, knowledgePoint: '准则', count: 1, score: 2 },
  ];
  for (const seed of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const drawn = drawQuestions(rules, [...both, ...onlyCharter], seededRandom(seed));
    const all = drawn.flat().map((q) => q.id);
    expect(new Set(all).size).toBe(3);
    expect(drawn[1]![0]!.knowledgePoints).toContain('准则');
  }
  expectDomainError(() => drawQuestions([{ ...rules[0]!, count: 4 }], [...both, ...onlyCharter], seededRandom('x')), 'EXAM_DRAW_SHORT', {
    rule: '1',
    needed: '4',
  });
});
