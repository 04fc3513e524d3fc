/**
 * Exams: banks and questions per organisation, exams with fixed or rule-drawn papers, each
 * candidate's paper drawn and shuffled from its seed and timed by the server, automatic grading
 * but for short answers, retakes, and flags for review that never change a score.
 */
import { randomBytes } from 'node:crypto';
import { authorize, can, inCallerScope, scopesCovering, type Caller } from '@repo/access';
import type { NewEvent } from '@repo/bus';
import type { Page } from '@repo/db';
import { failedPrecondition, notFound, permissionDenied, validationFailed } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { offeredTo, ownNode, selfLearner } from '../access';
import type { Clock } from '../clock';
import { audienceRule, inAudience } from '../domain/audience';
import {
  assertExamDraft,
  drawQuestions,
  editableExamFields,
  examLimits,
  nextExamStatus,
  validateExam,
  validateQuestion,
  type EditableExamField,
  type Exam,
  type ExamFields,
  type Question,
  type QuestionBank,
  type QuestionFields,
} from '../domain/exam';
import {
  buildPaperQuestions,
  deadlineOf,
  gradeAnswer,
  lateAnswerFlag,
  nextAttempt,
  paperTotal,
  scoreOf,
  submitted,
  tooFastFlag,
  validateAnswer,
  type Answer,
  type Paper,
} from '../domain/paper';
import { seededRandom } from '../domain/random';
import type { ExamAction, ExamStatus, QuestionType } from '../domain/vocabulary';
import type { PointsUseCases } from '../points/use-cases';
import { bankNotFound, examEvents, examNotFound, paperNotFound, type ExamRepository } from '../store/exams';
import type { Learner } from '../domain/learner';
import type { LearnerRepository } from '../store/learners';

export const examPaging = { defaultSize: 20, maxSize: 100 } as const;

type StoredPaper = Paper & { revision: number };

/** What happens when a candidate passes (the unit test of a course unit completes it). */
export interface PassListener {
  unitTestPassed(memberId: string, examId: string): Promise<void>;
}

/** A paper is opened only by someone of the exam's audience. */
function assertInExamAudience(learner: Learner, exam: Exam): void {
  if (!inAudience(learner, exam.audience))
    throw permissionDenied('EXAM_AUDIENCE', `this exam is for ${audienceRule(exam.audience)}; your learning record is not among them`, {
      examId: exam.id,
      audience: exam.audience.kind,
      cadreLevels: exam.audience.cadreLevels.join(','),
    });
}

export class ExamUseCases {
  private passListener: PassListener | undefined;

  constructor(
    private readonly exams: ExamRepository,
    private readonly learners: LearnerRepository,
    private readonly points: PointsUseCases,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Study listens for passes (it is built after exams: courses point to exams). */
  onPass(listener: PassListener): void {
    this.passListener = listener;
  }

  private async bankInScope(caller: Caller, id: string): Promise<QuestionBank> {
    const bank = await this.exams.findBank(id);
    if (!bank || !inCallerScope(caller, bank.orgPath)) throw bankNotFound(id);
    return bank;
  }

  async createBank(caller: Caller, name: string): Promise<QuestionBank> {
    authorize(caller, 'exam.write');
    const trimmed = name.trim();
    if (!trimmed || [...trimmed].length > examLimits.bankNameChars)
      throw validationFailed([{ field: 'name', problem: `is required, at most ${examLimits.bankNameChars} characters` }]);
    return this.exams.createBank(trimmed, ownNode(caller), caller.userId);
  }

  async listBanks(caller: Caller, page: number, size: number): Promise<Page<QuestionBank>> {
    authorize(caller, 'exam.write');
    return this.exams.listBanks(ownNode(caller), page, size);
  }

  async addQuestion(caller: Caller, bankId: string, fields: QuestionFields): Promise<Question> {
    authorize(caller, 'exam.write');
    const bank = await this.bankInScope(caller, bankId);
    return this.exams.addQuestion(bank, validateQuestion(fields), caller.userId);
  }

  async listQuestions(
    caller: Caller,
    bankId: string,
    filter: { type?: QuestionType; knowledgePoint?: string },
    page: number,
    size: number,
  ): Promise<Page<Question>> {
    authorize(caller, 'exam.write');
    const bank = await this.bankInScope(caller, bankId);
    return this.exams.listQuestions({ bankId: bank.id, ...filter }, page, size);
  }

  /** The questions an exam draws from, each bank or question in the author's scope. */
  private async questionsFor(caller: Caller, exam: Pick<ExamFields, 'fixedQuestions' | 'drawRules'>): Promise<Question[]> {
    if (exam.fixedQuestions.length) {
      const found = await this.exams.questionsById(exam.fixedQuestions.map((q) => q.questionId));
      const missing = exam.fixedQuestions.findIndex((f) => !found.some((q) => q.id === f.questionId && inCallerScope(caller, q.orgPath)));
      if (missing >= 0)
        throw failedPrecondition('EXAM_QUESTION_MISSING', `question ${exam.fixedQuestions[missing]!.questionId} is not in your banks`, {
          field: `fixedQuestions[${missing}].questionId`,
        });
      return found;
    }
    for (const [i, rule] of exam.drawRules.entries()) {
      const bank = await this.exams.findBank(rule.bankId);
      if (!bank || !inCallerScope(caller, bank.orgPath))
        throw failedPrecondition('EXAM_BANK_MISSING', `draw rule ${i + 1}'s bank ${rule.bankId} is not one of your banks`, {
          field: `drawRules[${i}].bankId`,
        });
    }
    return this.exams.questionsOf(exam.drawRules.map((r) => r.bankId));
  }

  async createExam(caller: Caller, fields: ExamFields): Promise<Exam> {
    authorize(caller, 'exam.write');
    const valid = validateExam(fields);
    await this.questionsFor(caller, valid);
    return this.exams.createExam(valid, ownNode(caller), caller.userId);
  }

  /** Staff see their scope's exams; a candidate sees published exams offered at their node. */
  private visible(caller: Caller, exam: Exam): boolean {
    if (
      (can(caller.roles, 'exam.write') || can(caller.roles, 'exam.grade') || can(caller.roles, 'learning.read')) &&
      inCallerScope(caller, exam.orgPath)
    )
      return true;
    return (
      exam.status !== 'draft' && can(caller.roles, 'learning.study') && caller.orgPath !== '' && offeredTo(exam.orgPath, caller.orgPath)
    );
  }

  async getExam(caller: Caller, id: string): Promise<Exam> {
    const exam = await this.exams.findExam(id);
    if (!exam || !this.visible(caller, exam)) throw examNotFound(id);
    return exam;
  }

  /**
   * Staff: the exams of their scope. `forMe`: the published exams offered at the caller's node
   * whose audience includes them (read whole and filtered here: exams at a node are few).
   */
  async listExams(caller: Caller, query: { status?: ExamStatus; forMe: boolean; page: number; size: number }): Promise<Page<Exam>> {
    if (query.forMe) {
      const learner = await selfLearner(this.learners, caller);
      if (query.status && query.status !== 'published') return { items: [], total: 0 };
      const all = await this.exams.listExams({ placedAtOneOf: scopesCovering(learner.orgPath), status: 'published' }, 1, 10_000);
      const mine = all.items.filter((e) => inAudience(learner, e.audience));
      return { items: mine.slice((query.page - 1) * query.size, query.page * query.size), total: mine.length };
    }
    authorize(caller, 'exam.write');
    return this.exams.listExams({ scope: ownNode(caller), ...(query.status ? { status: query.status } : {}) }, query.page, query.size);
  }

  /** Changes fields of a draft; the rest keep their values. */
  async updateExam(caller: Caller, id: string, fields: EditableExamField[], values: ExamFields, expectedRevision: number): Promise<Exam> {
    authorize(caller, 'exam.write');
    const current = await this.exams.findExam(id);
    if (!current || !inCallerScope(caller, current.orgPath)) throw examNotFound(id);
    assertExamDraft(current);
    assertRevision(expectedRevision, current, 'exam');
    const merged = Object.fromEntries(
      editableExamFields.map((f) => [f, fields.includes(f) ? values[f] : current[f]]),
    ) as unknown as ExamFields;
    const valid = validateExam(merged);
    await this.questionsFor(caller, valid);
    return this.exams.updateExam(current, valid, fields, caller.userId);
  }

  async transition(caller: Caller, id: string, action: ExamAction): Promise<Exam> {
    authorize(caller, 'exam.write');
    const exam = await this.exams.findExam(id);
    if (!exam || !inCallerScope(caller, exam.orgPath)) throw examNotFound(id);
    const status = nextExamStatus(exam, action);
    if (action === 'publish') {
      const questions = await this.questionsFor(caller, exam);
      // Every candidate's draw must succeed: checked once with any seed, since the rules decide.
      if (exam.drawRules.length) drawQuestions(exam.drawRules, questions, seededRandom(exam.id));
    }
    const updated = await this.exams.setExamStatus(exam, status, {
      type: examEvents[action],
      actor: caller.userId,
      orgPath: exam.orgPath,
      subjectId: exam.id,
      data: { title: exam.title },
    });
    if (action === 'close')
      for (const paper of await this.exams.openPapers())
        if (paper.examId === exam.id) await this.submitDue(paper, updated, this.clock.now());
    return updated;
  }

  async openPaper(caller: Caller, examId: string): Promise<Paper> {
    const learner = await selfLearner(this.learners, caller);
    const exam = await this.exams.findExam(examId);
    if (!exam || exam.status === 'draft' || !offeredTo(exam.orgPath, learner.orgPath)) throw examNotFound(examId);
    assertInExamAudience(learner, exam);
    const now = this.clock.now();
    const earlier = await Promise.all(
      (await this.exams.papersOf(examId, learner.memberId)).map((p) => this.dueChecked(p as StoredPaper, exam, now)),
    );
    const attempt = nextAttempt(exam, earlier, now);
    const seed = randomBytes(12).toString('base64url');
    const pool = exam.fixedQuestions.length
      ? await this.exams.questionsById(exam.fixedQuestions.map((q) => q.questionId))
      : await this.exams.questionsOf(exam.drawRules.map((r) => r.bankId));
    const questions = buildPaperQuestions(exam, pool, seed);
    return this.exams.openPaper(
      {
        examId,
        memberId: learner.memberId,
        attempt,
        seed,
        status: 'open',
        questions,
        answers: [],
        startedAt: now.toISOString(),
        deadline: deadlineOf(exam, now).toISOString(),
        submittedAt: '',
        autoSubmitted: false,
        score: 0,
        totalScore: paperTotal(questions),
        passed: false,
        flags: [],
        orgPath: learner.orgPath,
        gradedAt: '',
      },
      [
        {
          type: examEvents.paperOpened,
          actor: caller.userId,
          orgPath: learner.orgPath,
          subjectId: '',
          data: { examId, memberId: learner.memberId, attempt },
        },
      ],
    );
  }

  /** The caller's own paper (a candidate's actions need it). */
  private async ownPaper(caller: Caller, id: string): Promise<{ paper: StoredPaper; exam: Exam }> {
    const learner = await selfLearner(this.learners, caller);
    const paper = await this.exams.findPaper(id);
    if (!paper || paper.memberId !== learner.memberId) throw paperNotFound(id);
    const exam = await this.exams.findExam(paper.examId);
    if (!exam) throw examNotFound(paper.examId);
    return { paper, exam };
  }

  async getPaper(caller: Caller, id: string): Promise<Paper> {
    const paper = await this.exams.findPaper(id);
    if (!paper) throw paperNotFound(id);
    const exam = await this.exams.findExam(paper.examId);
    if (!exam) throw paperNotFound(id);
    const staff = (can(caller.roles, 'exam.grade') || can(caller.roles, 'learning.read')) && inCallerScope(caller, paper.orgPath);
    if (!staff && (await this.learners.byUser(caller.userId))?.memberId !== paper.memberId) throw paperNotFound(id);
    return this.dueChecked(paper, exam, this.clock.now());
  }

  /** A paper past its deadline and still open is submitted as of its deadline first. */
  private async dueChecked(paper: StoredPaper, exam: Exam, now: Date): Promise<StoredPaper> {
    if (paper.status !== 'open' || now.getTime() < Date.parse(paper.deadline)) return paper;
    return this.submitDue(paper, exam, now);
  }

  private async submitDue(paper: StoredPaper, exam: Exam, now: Date, extra: Partial<Paper> = {}): Promise<StoredPaper> {
    const auto = now.getTime() >= Date.parse(paper.deadline) || exam.status === 'closed';
    return this.hand(paper, exam, now, auto, extra);
  }

  /** Hands a paper in: graded but for short answers, flagged when implausibly quick. */
  private async hand(paper: StoredPaper, exam: Exam, now: Date, auto: boolean, extra: Partial<Paper>): Promise<StoredPaper> {
    const base = { ...paper, ...extra };
    const outcome = submitted(base, now, auto, exam.passMark);
    const events: NewEvent[] = [
      {
        type: examEvents.paperSubmitted,
        actor: auto ? 'system' : paper.memberId,
        orgPath: paper.orgPath,
        subjectId: paper.id,
        data: { examId: paper.examId, memberId: paper.memberId, attempt: paper.attempt, autoSubmitted: auto },
      },
    ];
    if (outcome.status === 'graded') events.push(this.gradedEvent(paper, outcome.score, outcome.passed));
    const newFlags = outcome.flags.slice(paper.flags.length);
    if (newFlags.length)
      events.push(
        this.flaggedEvent(
          paper,
          newFlags.map((f) => f.kind),
        ),
      );
    const saved = await this.exams.savePaper(paper, { ...extra, ...outcome }, events);
    if (saved.passed) await this.passed(saved);
    return saved;
  }

  private gradedEvent(paper: Paper, score: number, passed: boolean): NewEvent {
    return {
      type: examEvents.paperGraded,
      actor: 'system',
      orgPath: paper.orgPath,
      subjectId: paper.id,
      data: { examId: paper.examId, memberId: paper.memberId, attempt: paper.attempt, score, totalScore: paper.totalScore, passed },
    };
  }

  private flaggedEvent(paper: Paper, kinds: string[]): NewEvent {
    return {
      type: examEvents.paperFlagged,
      actor: 'system',
      orgPath: paper.orgPath,
      subjectId: paper.id,
      data: { examId: paper.examId, memberId: paper.memberId, flags: kinds },
    };
  }

  private async passed(paper: Paper): Promise<void> {
    const learner = await this.learners.get(paper.memberId);
    if (learner) await this.points.award(learner, 'examPassed', `exam:${paper.examId}`);
    await this.passListener?.unitTestPassed(paper.memberId, paper.examId);
  }

  async answer(caller: Caller, paperId: string, questionId: string, answer: Answer): Promise<Paper> {
    const { paper, exam } = await this.ownPaper(caller, paperId);
    const now = this.clock.now();
    const late = now.getTime() >= Date.parse(paper.deadline);
    if (paper.status !== 'open' && !(late && paper.autoSubmitted))
      throw failedPrecondition('EXAM_PAPER_SUBMITTED', 'this paper was handed in; answers are no longer taken', {
        paperId,
        status: paper.status,
      });
    if (exam.status === 'closed') throw failedPrecondition('EXAM_CLOSED', 'this exam is closed', { examId: exam.id });
    if (late) {
      // The timer ran out: the paper is (or was) handed in as of its deadline; the late answer
      // is not counted, only flagged for a reviewer, once per question.
      if (!paper.flags.some((f) => f.kind === 'lateAnswer' && f.questionId === questionId)) {
        const flags = [...paper.flags, lateAnswerFlag(paper, questionId, now)];
        if (paper.status === 'open') await this.submitDue(paper, exam, now, { flags });
        else await this.exams.savePaper(paper, { flags }, [this.flaggedEvent(paper, ['lateAnswer'])]);
      }
      throw failedPrecondition('EXAM_DEADLINE_PASSED', `the paper's time ended at ${paper.deadline}; it was handed in then`, {
        paperId,
        deadline: paper.deadline,
      });
    }
    const question = paper.questions.find((q) => q.questionId === questionId);
    if (!question) throw notFound('EXAM_QUESTION_NOT_IN_PAPER', `question ${questionId} is not in this paper`, { questionId });
    const valid = validateAnswer(question, answer);
    const flag = tooFastFlag(paper, questionId, now, exam.minSecondsPerQuestion);
    const answers = [
      ...paper.answers.filter((a) => a.questionId !== questionId),
      { questionId, answer: valid, answeredAt: now.toISOString(), score: gradeAnswer(question, valid), gradedBy: '' },
    ];
    const flags = flag ? [...paper.flags, flag] : paper.flags;
    return this.exams.savePaper(paper, { answers, flags }, flag ? [this.flaggedEvent(paper, [flag.kind])] : []);
  }

  async submit(caller: Caller, paperId: string): Promise<Paper> {
    const { paper, exam } = await this.ownPaper(caller, paperId);
    if (paper.status !== 'open')
      throw failedPrecondition('EXAM_PAPER_SUBMITTED', 'this paper was handed in already', { paperId, status: paper.status });
    return this.submitDue(paper, exam, this.clock.now());
  }

  async grade(caller: Caller, paperId: string, questionId: string, score: number): Promise<Paper> {
    authorize(caller, 'exam.grade');
    const paper = await this.exams.findPaper(paperId);
    if (!paper || !inCallerScope(caller, paper.orgPath)) throw paperNotFound(paperId);
    const exam = await this.exams.findExam(paper.examId);
    if (!exam) throw paperNotFound(paperId);
    if (exam.status === 'closed')
      throw failedPrecondition('EXAM_CLOSED', 'this exam is closed: its results are final', { examId: exam.id });
    if ((await this.learners.byUser(caller.userId))?.memberId === paper.memberId)
      throw permissionDenied('EXAM_SELF_GRADING', 'nobody grades their own paper', {});
    if (paper.status !== 'submitted')
      throw failedPrecondition('EXAM_NOT_AWAITING_GRADING', `this paper is ${paper.status}, not waiting for a grader`, {
        status: paper.status,
      });
    const question = paper.questions.find((q) => q.questionId === questionId);
    const answer = paper.answers.find((a) => a.questionId === questionId);
    if (!question || question.type !== 'shortAnswer' || !answer || answer.score >= 0)
      throw failedPrecondition('EXAM_NOTHING_TO_GRADE', `question ${questionId} has no short answer waiting in this paper`, { questionId });
    if (!Number.isInteger(score) || score < 0 || score > question.score)
      throw validationFailed([{ field: 'score', problem: `must be 0 to ${question.score}` }]);
    const answers = paper.answers.map((a) => (a.questionId === questionId ? { ...a, score, gradedBy: caller.userId } : a));
    const pending = answers.some((a) => a.score < 0);
    const total = scoreOf(answers);
    const passed = !pending && total >= exam.passMark;
    const now = this.clock.now().toISOString();
    const saved = await this.exams.savePaper(
      paper,
      { answers, score: total, ...(pending ? {} : { status: 'graded' as const, passed, gradedAt: now }) },
      pending ? [] : [this.gradedEvent(paper, total, passed)],
    );
    if (saved.passed) await this.passed(saved);
    return saved;
  }

  async listPapers(
    caller: Caller,
    examId: string,
    filter: { flaggedOnly: boolean; awaitingGrading: boolean },
    page: number,
    size: number,
  ): Promise<Page<Paper>> {
    authorize(caller, 'exam.grade');
    const exam = await this.exams.findExam(examId);
    if (!exam || !inCallerScope(caller, exam.orgPath)) throw examNotFound(examId);
    return this.exams.listPapers({ examId, ...filter }, page, size);
  }

  /** The timer: every open paper past its deadline is handed in as of its deadline. */
  async submitOverdue(now: Date): Promise<number> {
    let submittedCount = 0;
    for (const paper of await this.exams.openPapers()) {
      if (now.getTime() < Date.parse(paper.deadline)) continue;
      const exam = await this.exams.findExam(paper.examId);
      if (!exam) continue;
      try {
        await this.submitDue(paper, exam, now);
        submittedCount += 1;
      } catch (err) {
        // Handed in by the candidate meanwhile.
        if ((err as { code?: string }).code !== 'LEARNING_REVISION_CONFLICT') throw err;
        this.logger.debug({ paperId: paper.id }, 'paper handed in meanwhile');
      }
    }
    return submittedCount;
  }
}
