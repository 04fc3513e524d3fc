/**
 * A candidate's paper: drawn and shuffled from its seed, timed by the server (it auto-submits
 * at its deadline), graded automatically but for short answers, and flagged for review when
 * its timing is implausible. Flags never change a score: a person looks at them.
 */
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { drawQuestions, normalizeFill, type Exam, type Question, type QuestionOption } from './exam';
import { seededRandom, shuffled } from './random';
import type { AnomalyKind, PaperStatus, QuestionType } from './vocabulary';

export interface PaperQuestion {
  questionId: string;
  type: QuestionType;
  stem: string;
  /** In this paper's order, keys as the bank has them. */
  options: QuestionOption[];
  blanks: number;
  score: number;
  /** Kept for grading, never shown to the candidate. */
  correctKeys: string[];
  correctTruth: boolean;
  accepted: string[][];
}

export interface Answer {
  keys: string[];
  truth: boolean;
  texts: string[];
}

export interface AnswerRecord {
  questionId: string;
  answer: Answer;
  answeredAt: string;
  /** -1 while a short answer waits for a grader. */
  score: number;
  gradedBy: string;
}

export interface AnomalyFlag {
  kind: AnomalyKind;
  questionId: string;
  at: string;
  detail: string;
}

export interface Paper {
  id: string;
  examId: string;
  memberId: string;
  attempt: number;
  seed: string;
  status: PaperStatus;
  questions: PaperQuestion[];
  answers: AnswerRecord[];
  startedAt: string;
  deadline: string;
  submittedAt: string;
  autoSubmitted: boolean;
  score: number;
  totalScore: number;
  passed: boolean;
  flags: AnomalyFlag[];
  orgPath: string;
  gradedAt: string;
}

/** A whole paper answered faster than this is flagged. */
export const paperFloorMs = 60_000;

/** The paper of `seed`: fixed questions or drawn by the rules, questions and options shuffled. */
export function buildPaperQuestions(
  exam: Pick<Exam, 'fixedQuestions' | 'drawRules'>,
  questions: readonly Question[],
  seed: string,
): PaperQuestion[] {
  const random = seededRandom(seed);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const chosen: { question: Question; score: number }[] = exam.fixedQuestions.length
    ? exam.fixedQuestions.map((f) => {
        const question = byId.get(f.questionId);
        if (!question)
          throw failedPrecondition('EXAM_QUESTION_MISSING', `question ${f.questionId} of the exam is not in its banks`, {
            questionId: f.questionId,
          });
        return { question, score: f.score };
      })
    : drawQuestions(exam.drawRules, questions, random).flatMap((drawn, r) =>
        drawn.map((question) => ({ question, score: exam.drawRules[r]!.score })),
      );
  return shuffled(chosen, random).map(({ question, score }) => ({
    questionId: question.id,
    type: question.type,
    stem: question.stem,
    options: shuffled(question.options, random),
    blanks: question.blanks.length,
    score,
    correctKeys: question.correctKeys,
    correctTruth: question.correctTruth,
    accepted: question.blanks,
  }));
}

/** When a paper opened at `startedAt` ends: its duration, or the exam's close if sooner. */
export function deadlineOf(exam: Pick<Exam, 'durationMinutes' | 'closesAt'>, startedAt: Date): Date {
  const end = startedAt.getTime() + exam.durationMinutes * 60_000;
  return new Date(exam.closesAt ? Math.min(end, Date.parse(exam.closesAt)) : end);
}

/**
 * The attempt a candidate may open now, given their earlier papers: one at a time, none after a
 * pass, and no more than the first plus the exam's retakes (补考).
 */
export function nextAttempt(
  exam: Pick<Exam, 'status' | 'opensAt' | 'closesAt' | 'retakes'>,
  earlier: readonly Pick<Paper, 'id' | 'status' | 'passed' | 'attempt'>[],
  now: Date,
): number {
  if (
    exam.status !== 'published' ||
    (exam.opensAt && now.getTime() < Date.parse(exam.opensAt)) ||
    (exam.closesAt && now.getTime() >= Date.parse(exam.closesAt))
  ) {
    throw failedPrecondition('EXAM_NOT_OPEN', 'this exam takes no papers now', {
      status: exam.status,
      opensAt: exam.opensAt,
      closesAt: exam.closesAt,
    });
  }
  const open = earlier.find((p) => p.status === 'open');
  if (open) throw failedPrecondition('EXAM_PAPER_OPEN', 'a paper of this exam is open already: finish it first', { paperId: open.id });
  if (earlier.some((p) => p.passed)) throw failedPrecondition('EXAM_ALREADY_PASSED', 'this exam is passed already', {});
  const waiting = earlier.find((p) => p.status === 'submitted');
  if (waiting)
    throw failedPrecondition('EXAM_RESULT_PENDING', 'the last paper waits for a grader; a retake follows a failed result', {
      paperId: waiting.id,
    });
  if (earlier.length > exam.retakes) {
    throw failedPrecondition('EXAM_NO_RETAKES_LEFT', `this exam allows ${exam.retakes} retake(s) after the first paper, all taken`, {
      retakes: String(exam.retakes),
    });
  }
  return earlier.length + 1;
}

/** Checks an answer's shape against its question. */
export function validateAnswer(question: PaperQuestion, answer: Answer): Answer {
  const violations: FieldViolation[] = [];
  const keys = new Set(question.options.map((o) => o.key));
  switch (question.type) {
    case 'singleChoice':
    case 'multipleChoice':
      if (answer.keys.length === 0 || answer.keys.some((k) => !keys.has(k)) || new Set(answer.keys).size !== answer.keys.length)
        violations.push({ field: 'answer.keys', problem: "must be keys of the question's options, each once" });
      if (question.type === 'singleChoice' && answer.keys.length > 1)
        violations.push({ field: 'answer.keys', problem: 'a single-choice question takes one key' });
      break;
    case 'fillIn':
      if (answer.texts.length !== question.blanks)
        violations.push({ field: 'answer.texts', problem: `needs one text per blank (${question.blanks})` });
      break;
    case 'shortAnswer':
      if (answer.texts.length !== 1 || [...answer.texts[0]!].length > 10_000)
        violations.push({ field: 'answer.texts', problem: 'a short answer is one text of at most 10,000 characters' });
      break;
    case 'trueFalse':
      break;
  }
  if (violations.length) throw validationFailed(violations);
  return { keys: [...answer.keys].sort(), truth: question.type === 'trueFalse' ? answer.truth : false, texts: answer.texts };
}

/**
 * The score of an answer, or -1 for a short answer (a grader decides). Multiple choice scores
 * only the exact set of right options, as the common rule is.
 */
export function gradeAnswer(question: PaperQuestion, answer: Answer): number {
  switch (question.type) {
    case 'singleChoice':
    case 'multipleChoice':
      return answer.keys.join() === question.correctKeys.join() ? question.score : 0;
    case 'trueFalse':
      return answer.truth === question.correctTruth ? question.score : 0;
    case 'fillIn':
      return question.accepted.every((accepted, i) => accepted.some((a) => normalizeFill(a) === normalizeFill(answer.texts[i] ?? '')))
        ? question.score
        : 0;
    case 'shortAnswer':
      return -1;
  }
}

/** The flag an answer earns when it came sooner than the floor after the one before it. */
export function tooFastFlag(
  paper: Pick<Paper, 'startedAt' | 'answers'>,
  questionId: string,
  at: Date,
  floorSeconds: number,
): AnomalyFlag | undefined {
  if (floorSeconds <= 0) return undefined;
  const previous = paper.answers.reduce((latest, a) => Math.max(latest, Date.parse(a.answeredAt)), Date.parse(paper.startedAt));
  const seconds = (at.getTime() - previous) / 1000;
  if (seconds >= floorSeconds) return undefined;
  return {
    kind: 'tooFast',
    questionId,
    at: at.toISOString(),
    detail: `answered ${seconds.toFixed(1)} s after the previous answer; the floor is ${floorSeconds} s`,
  };
}

export function lateAnswerFlag(paper: Pick<Paper, 'deadline'>, questionId: string, at: Date): AnomalyFlag {
  const late = (at.getTime() - Date.parse(paper.deadline)) / 1000;
  return { kind: 'lateAnswer', questionId, at: at.toISOString(), detail: `arrived ${late.toFixed(1)} s after the deadline; not counted` };
}

/** The outcome of handing a paper in (by the candidate or at its deadline). */
export function submitted(
  paper: Paper,
  at: Date,
  auto: boolean,
  passMark: number,
): Pick<Paper, 'status' | 'submittedAt' | 'autoSubmitted' | 'score' | 'passed' | 'flags' | 'gradedAt'> {
  const submittedAt = auto ? paper.deadline : at.toISOString();
  const flags = [...paper.flags];
  const elapsed = Date.parse(submittedAt) - Date.parse(paper.startedAt);
  if (paper.answers.length === paper.questions.length && paper.questions.length > 0 && elapsed < paperFloorMs) {
    flags.push({
      kind: 'paperUnderOneMinute',
      questionId: '',
      at: submittedAt,
      detail: `all ${paper.questions.length} questions answered within ${(elapsed / 1000).toFixed(1)} s`,
    });
  }
  const pending = paper.answers.some((a) => a.score < 0);
  const score = scoreOf(paper.answers);
  return {
    status: pending ? 'submitted' : 'graded',
    submittedAt,
    autoSubmitted: auto,
    score,
    passed: !pending && score >= passMark,
    flags,
    gradedAt: pending ? '' : submittedAt,
  };
}

export function scoreOf(answers: readonly Pick<AnswerRecord, 'score'>[]): number {
  return answers.reduce((sum, a) => sum + Math.max(0, a.score), 0);
}

export function paperTotal(questions: readonly Pick<PaperQuestion, 'score'>[]): number {
  return questions.reduce((sum, q) => sum + q.score, 0);
}
