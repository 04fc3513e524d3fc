/**
 * Question banks, exams and their settings. Single and multiple choice, true/false and fill-in
 * questions are graded by the server; short answers by a grader. Pure rules: no I/O.
 */
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { checkAudience, normalizeAudience, type Audience } from './audience';
import { shuffled } from './random';
import { isOneOf, questionTypes, type ExamAction, type ExamStatus, type QuestionType } from './vocabulary';
import { assertDraftStatus, stepOf, type Workflow } from './workflow';

export interface QuestionBank {
  id: string;
  name: string;
  orgPath: string;
  createdBy: string;
  createdAt: string;
  questions: number;
}

export interface QuestionOption {
  key: string;
  text: string;
}

export interface Question {
  id: string;
  bankId: string;
  orgPath: string;
  type: QuestionType;
  stem: string;
  options: QuestionOption[];
  correctKeys: string[];
  correctTruth: boolean;
  /** Fill-in: per blank, the accepted spellings. */
  blanks: string[][];
  referenceAnswer: string;
  knowledgePoints: string[];
  createdBy: string;
  createdAt: string;
}

export type QuestionFields = Omit<Question, 'id' | 'bankId' | 'orgPath' | 'createdBy' | 'createdAt'>;

export const examLimits = {
  stemChars: 2_000,
  optionChars: 500,
  options: 10,
  blanks: 10,
  spellings: 10,
  knowledgePoints: 10,
  knowledgePointChars: 50,
  questionsPerPaper: 200,
  scorePerQuestion: 100,
  durationMinutes: 600,
  retakes: 5,
  titleChars: 200,
  bankNameChars: 100,
} as const;

const optionKeys = 'ABCDEFGHIJ'.split('');

/** Fill-in answers compare after NFKC (full-width to half-width), trimming and inner spaces. */
export function normalizeFill(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function validateQuestion(q: QuestionFields): QuestionFields {
  const violations: FieldViolation[] = [];
  if (!isOneOf(questionTypes, q.type)) {
    throw validationFailed([{ field: 'type', problem: `must be one of ${questionTypes.join(', ')}` }]);
  }
  if (q.stem.trim() === '' || [...q.stem].length > examLimits.stemChars)
    violations.push({ field: 'stem', problem: `is required, at most ${examLimits.stemChars} characters` });
  const choice = q.type === 'singleChoice' || q.type === 'multipleChoice';
  if (choice) {
    if (q.options.length < 2 || q.options.length > examLimits.options)
      violations.push({ field: 'options', problem: `a choice question has 2 to ${examLimits.options} options` });
    q.options.forEach((option, i) => {
      if (option.key !== optionKeys[i])
        violations.push({ field: `options[${i}].key`, problem: `must be ${optionKeys[i]}: options are keyed A, B, C … in order` });
      if (option.text.trim() === '' || [...option.text].length > examLimits.optionChars)
        violations.push({ field: `options[${i}].text`, problem: `is required, at most ${examLimits.optionChars} characters` });
    });
    const keys = new Set(q.options.map((o) => o.key));
    const correct = new Set(q.correctKeys);
    if (correct.size !== q.correctKeys.length) violations.push({ field: 'correctKeys', problem: 'names a key twice' });
    if ([...correct].some((k) => !keys.has(k))) violations.push({ field: 'correctKeys', problem: 'must be keys of the options' });
    if (q.type === 'singleChoice' && correct.size !== 1)
      violations.push({ field: 'correctKeys', problem: 'a single-choice question has exactly one right option' });
    if (q.type === 'multipleChoice' && correct.size < 2)
      violations.push({ field: 'correctKeys', problem: 'a multiple-choice question has at least two right options' });
  } else {
    if (q.options.length) violations.push({ field: 'options', problem: 'only choice questions have options' });
    if (q.correctKeys.length) violations.push({ field: 'correctKeys', problem: 'only choice questions have right options' });
  }
  if (q.type === 'fillIn') {
    if (q.blanks.length < 1 || q.blanks.length > examLimits.blanks)
      violations.push({ field: 'blanks', problem: `a fill-in question has 1 to ${examLimits.blanks} blanks` });
    q.blanks.forEach((accepted, i) => {
      if (accepted.length < 1 || accepted.length > examLimits.spellings || accepted.some((a) => normalizeFill(a) === '')) {
        violations.push({ field: `blanks[${i}].accepted`, problem: `needs 1 to ${examLimits.spellings} accepted answers, none empty` });
      }
    });
  } else if (q.blanks.length) violations.push({ field: 'blanks', problem: 'only fill-in questions have blanks' });
  if (q.type === 'shortAnswer' && q.referenceAnswer.trim() === '')
    violations.push({ field: 'referenceAnswer', problem: 'graders need a reference answer' });
  if (q.knowledgePoints.length > examLimits.knowledgePoints)
    violations.push({ field: 'knowledgePoints', problem: `at most ${examLimits.knowledgePoints}` });
  q.knowledgePoints.forEach((point, i) => {
    if (point.trim() === '' || [...point].length > examLimits.knowledgePointChars)
      violations.push({ field: `knowledgePoints[${i}]`, problem: `is required, at most ${examLimits.knowledgePointChars} characters` });
  });
  if (violations.length) throw validationFailed(violations);
  return {
    ...q,
    stem: q.stem.trim(),
    options: q.options.map((o) => ({ key: o.key, text: o.text.trim() })),
    correctKeys: [...q.correctKeys].sort(),
    correctTruth: q.type === 'trueFalse' ? q.correctTruth : false,
    blanks: q.blanks.map((accepted) => [...new Set(accepted.map((a) => a.trim()))]),
    referenceAnswer: q.referenceAnswer.trim(),
    knowledgePoints: [...new Set(q.knowledgePoints.map((p) => p.trim()))],
  };
}

export interface DrawRule {
  bankId: string;
  type: QuestionType;
  /** '' for any. */
  knowledgePoint: string;
  count: number;
  score: number;
}

export interface FixedQuestion {
  questionId: string;
  score: number;
}

export interface ExamFields {
  title: string;
  fixedQuestions: FixedQuestion[];
  drawRules: DrawRule[];
  durationMinutes: number;
  passMark: number;
  retakes: number;
  /** ISO instants; '' for no limit. */
  opensAt: string;
  closesAt: string;
  minSecondsPerQuestion: number;
  /** Who may open a paper. */
  audience: Audience;
}

export const editableExamFields = [
  'title',
  'fixedQuestions',
  'drawRules',
  'durationMinutes',
  'passMark',
  'retakes',
  'opensAt',
  'closesAt',
  'minSecondsPerQuestion',
  'audience',
] as const satisfies readonly (keyof ExamFields)[];
export type EditableExamField = (typeof editableExamFields)[number];

export interface Exam extends ExamFields {
  id: string;
  orgPath: string;
  status: ExamStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export function totalScore(exam: Pick<ExamFields, 'fixedQuestions' | 'drawRules'>): number {
  return exam.fixedQuestions.reduce((s, q) => s + q.score, 0) + exam.drawRules.reduce((s, r) => s + r.count * r.score, 0);
}

function checkScore(violations: FieldViolation[], field: string, score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > examLimits.scorePerQuestion)
    violations.push({ field, problem: `must be 1 to ${examLimits.scorePerQuestion} points` });
}

export function validateExam(fields: ExamFields): ExamFields {
  const violations: FieldViolation[] = [];
  if (fields.title.trim() === '' || [...fields.title].length > examLimits.titleChars)
    violations.push({ field: 'title', problem: `is required, at most ${examLimits.titleChars} characters` });
  const fixed = fields.fixedQuestions.length > 0;
  const drawn = fields.drawRules.length > 0;
  if (fixed === drawn)
    violations.push({ field: 'fixedQuestions', problem: 'an exam has either fixed questions or draw rules, not both and not neither' });
  const ids = new Set<string>();
  fields.fixedQuestions.forEach((q, i) => {
    if (!q.questionId) violations.push({ field: `fixedQuestions[${i}].questionId`, problem: 'is required' });
    if (ids.has(q.questionId)) violations.push({ field: `fixedQuestions[${i}].questionId`, problem: 'appears twice' });
    ids.add(q.questionId);
    checkScore(violations, `fixedQuestions[${i}].score`, q.score);
  });
  fields.drawRules.forEach((rule, i) => {
    if (!rule.bankId) violations.push({ field: `drawRules[${i}].bankId`, problem: 'is required' });
    if (!isOneOf(questionTypes, rule.type))
      violations.push({ field: `drawRules[${i}].type`, problem: `must be one of ${questionTypes.join(', ')}` });
    if (!Number.isInteger(rule.count) || rule.count < 1) violations.push({ field: `drawRules[${i}].count`, problem: 'must be at least 1' });
    checkScore(violations, `drawRules[${i}].score`, rule.score);
  });
  const questions = fields.fixedQuestions.length + fields.drawRules.reduce((s, r) => s + (Number.isInteger(r.count) ? r.count : 0), 0);
  if (questions > examLimits.questionsPerPaper)
    violations.push({ field: 'drawRules', problem: `a paper has at most ${examLimits.questionsPerPaper} questions` });
  if (!Number.isInteger(fields.durationMinutes) || fields.durationMinutes < 1 || fields.durationMinutes > examLimits.durationMinutes)
    violations.push({ field: 'durationMinutes', problem: `must be 1 to ${examLimits.durationMinutes} minutes` });
  const total = totalScore(fields);
  if (!Number.isInteger(fields.passMark) || fields.passMark < 1 || fields.passMark > total)
    violations.push({ field: 'passMark', problem: `must be 1 to the paper's total score (${total})` });
  if (!Number.isInteger(fields.retakes) || fields.retakes < 0 || fields.retakes > examLimits.retakes)
    violations.push({ field: 'retakes', problem: `must be 0 to ${examLimits.retakes}` });
  if (!Number.isInteger(fields.minSecondsPerQuestion) || fields.minSecondsPerQuestion < 0 || fields.minSecondsPerQuestion > 600)
    violations.push({ field: 'minSecondsPerQuestion', problem: 'must be 0 (no floor) to 600 seconds' });
  for (const field of ['opensAt', 'closesAt'] as const) {
    if (fields[field] !== '' && Number.isNaN(Date.parse(fields[field]))) violations.push({ field, problem: 'must be a date-time' });
  }
  if (fields.opensAt && fields.closesAt && Date.parse(fields.opensAt) >= Date.parse(fields.closesAt))
    violations.push({ field: 'closesAt', problem: 'must be after opensAt' });
  checkAudience(violations, fields.audience);
  if (violations.length) throw validationFailed(violations);
  return {
    ...fields,
    title: fields.title.trim(),
    audience: normalizeAudience(fields.audience),
    drawRules: fields.drawRules.map((r) => ({ ...r, knowledgePoint: r.knowledgePoint.trim() })),
  };
}

const examWorkflow: Workflow<ExamStatus, ExamAction> = {
  publish: { from: 'draft', to: 'published' },
  close: { from: 'published', to: 'closed' },
};

export function assertExamDraft(exam: Pick<Exam, 'status'>): void {
  assertDraftStatus('exam', 'EXAM_NOT_DRAFT', exam.status);
}

export function nextExamStatus(exam: Pick<Exam, 'status'>, action: ExamAction): ExamStatus {
  return stepOf(examWorkflow, 'an exam', 'EXAM_WORKFLOW_STEP', exam.status, action).to;
}

function matches(rule: DrawRule, q: Question): boolean {
  return (
    q.bankId === rule.bankId && q.type === rule.type && (rule.knowledgePoint === '' || q.knowledgePoints.includes(rule.knowledgePoint))
  );
}

/**
 * Draws the questions of every rule, no question twice, trying each rule's candidates in the
 * order `random` shuffles them. Rules may overlap (a question of two knowledge points), so the
 * slots are matched to questions with augmenting paths: when any draw can fill every rule, this
 * one does. Answers, per rule, the questions drawn; refuses with EXAM_DRAW_SHORT naming the
 * first rule the bank cannot fill.
 */
export function drawQuestions(rules: readonly DrawRule[], questions: readonly Question[], random: () => number): Question[][] {
  const slots: { rule: number; candidates: Question[] }[] = [];
  rules.forEach((rule, r) => {
    const candidates = shuffled(
      questions.filter((q) => matches(rule, q)),
      random,
    );
    for (let n = 0; n < rule.count; n++) slots.push({ rule: r, candidates });
  });
  const slotOf = new Map<string, number>();
  const assigned: (Question | undefined)[] = slots.map(() => undefined);
  const place = (slot: number, seen: Set<string>): boolean => {
    for (const q of slots[slot]!.candidates) {
      if (seen.has(q.id)) continue;
      seen.add(q.id);
      const holder = slotOf.get(q.id);
      if (holder === undefined || place(holder, seen)) {
        slotOf.set(q.id, slot);
        assigned[slot] = q;
        return true;
      }
    }
    return false;
  };
  slots.forEach((slot, i) => {
    if (!place(i, new Set())) {
      const rule = rules[slot.rule]!;
      const available = slot.candidates.length;
      throw failedPrecondition(
        'EXAM_DRAW_SHORT',
        `draw rule ${slot.rule + 1} needs ${rule.count} ${rule.type} questions${rule.knowledgePoint ? ` on ${rule.knowledgePoint}` : ''} from its bank, more than it holds beside the other rules' (${available} match)`,
        {
          rule: String(slot.rule + 1),
          needed: String(rule.count),
          available: String(available),
        },
      );
    }
  });
  return rules.map((_, r) => slots.flatMap((slot, i) => (slot.rule === r ? [assigned[i]!] : [])));
}
