/** Question banks, questions, exams and papers. */
import { randomUUID } from 'node:crypto';
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { failedPrecondition, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import { allMembers } from '../domain/audience';
import type { Exam, ExamFields, Question, QuestionBank, QuestionFields } from '../domain/exam';
import type { Paper, PaperQuestion } from '../domain/paper';
import type { ExamStatus, QuestionType } from '../domain/vocabulary';
import { idOf, pageOf, placedHolder, revisionConflict } from './records';

type Placed<T> = Omit<T, 'id'> & OutboxRecord & { _id: string; orgScopes: string[] };

const bankSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    ...placementSchemaFields,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    questions: { type: Number, default: 0 },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'questionBanks', versionKey: false, strict: 'throw' },
);
bankSchema.index({ orgScopes: 1 });

const questionSchema = new Schema(
  {
    _id: { type: String, required: true },
    bankId: { type: String, required: true },
    orgPath: { type: String, required: true },
    type: { type: String, required: true },
    stem: { type: String, required: true },
    options: { type: [Schema.Types.Mixed], default: [] },
    correctKeys: { type: [String], default: [] },
    correctTruth: { type: Boolean, default: false },
    // { accepted: [...] } per blank: FerretDB v1 refuses arrays nested in arrays.
    blanks: { type: [Schema.Types.Mixed], default: [] },
    referenceAnswer: { type: String, default: '' },
    knowledgePoints: { type: [String], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
  },
  { collection: 'questions', versionKey: false, strict: 'throw' },
);
questionSchema.index({ bankId: 1 });

const examSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    fixedQuestions: { type: [Schema.Types.Mixed], default: [] },
    drawRules: { type: [Schema.Types.Mixed], default: [] },
    durationMinutes: { type: Number, required: true },
    passMark: { type: Number, required: true },
    retakes: { type: Number, required: true },
    opensAt: { type: String, default: '' },
    closesAt: { type: String, default: '' },
    minSecondsPerQuestion: { type: Number, default: 0 },
    // Not required: exams saved before exams had an audience have none (see toExam).
    audience: { type: Schema.Types.Mixed },
    status: { type: String, required: true },
    ...placementSchemaFields,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'exams', versionKey: false, strict: 'throw' },
);
examSchema.index({ orgScopes: 1 });

const paperSchema = new Schema(
  {
    _id: { type: String, required: true },
    examId: { type: String, required: true },
    memberId: { type: String, required: true },
    attempt: { type: Number, required: true },
    seed: { type: String, required: true },
    status: { type: String, required: true },
    questions: { type: [Schema.Types.Mixed], default: [] },
    answers: { type: [Schema.Types.Mixed], default: [] },
    startedAt: { type: String, required: true },
    deadline: { type: String, required: true },
    submittedAt: { type: String, default: '' },
    autoSubmitted: { type: Boolean, default: false },
    score: { type: Number, default: 0 },
    totalScore: { type: Number, required: true },
    passed: { type: Boolean, default: false },
    flags: { type: [Schema.Types.Mixed], default: [] },
    flagged: { type: Boolean, default: false },
    ...placementSchemaFields,
    gradedAt: { type: String, default: '' },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'papers', versionKey: false, strict: 'throw' },
);
paperSchema.index({ examId: 1 });
paperSchema.index({ memberId: 1 });
paperSchema.index({ status: 1 });

type BankRecord = Placed<QuestionBank> & { revision: number };
/**
 * Fill-in blanks as stored: { accepted } per blank, since the local document store (FerretDB v1)
 * refuses arrays nested in arrays.
 */
type StoredBlanks = { accepted: string[] }[];
const storedBlanks = (blanks: readonly string[][]): StoredBlanks => blanks.map((accepted) => ({ accepted: [...accepted] }));
const blanksOf = (stored: StoredBlanks | undefined): string[][] => (stored ?? []).map((b) => b.accepted);

type QuestionRecord = Omit<Question, 'id' | 'blanks'> & { _id: string; blanks: StoredBlanks };
type StoredPaperQuestion = Omit<PaperQuestion, 'accepted'> & { accepted: StoredBlanks };
type ExamRecord = Omit<Placed<Exam>, 'audience'> & { audience?: Exam['audience'] };
type PaperRecord = Omit<Placed<Paper>, 'questions'> & { flagged: boolean; questions: StoredPaperQuestion[] };

const toQuestion = (record: QuestionRecord): Question => ({ ...idOf(record), blanks: blanksOf(record.blanks) });
const storedPaperQuestions = (questions: readonly PaperQuestion[]): StoredPaperQuestion[] =>
  questions.map((q) => ({ ...q, accepted: storedBlanks(q.accepted) }));

const strip = <R extends OutboxRecord & { orgScopes?: string[]; flagged?: boolean }>(record: R) => {
  const { orgScopes: _scopes, flagged: _flagged, ...rest } = withoutOutbox(record);
  return idOf(rest as typeof rest & { _id: string });
};

type StoredPaper = Paper & { revision: number };

/** An exam saved before exams had an audience is for all members, as every exam was then. */
const toExam = (record: ExamRecord): Exam => ({ ...(strip(record) as Omit<Exam, 'audience'>), audience: record.audience ?? allMembers });

function toPaper(record: PaperRecord): StoredPaper {
  const paper = strip(record) as unknown as Omit<StoredPaper, 'questions'> & { questions: StoredPaperQuestion[] };
  return { ...paper, questions: (paper.questions ?? []).map((q) => ({ ...q, accepted: blanksOf(q.accepted) })) };
}

export const bankNotFound = (id: string) => notFound('EXAM_BANK_NOT_FOUND', `question bank ${id} not found`, { id });
export const examNotFound = (id: string) => notFound('EXAM_NOT_FOUND', `exam ${id} not found`, { id });
export const paperNotFound = (id: string) => notFound('EXAM_PAPER_NOT_FOUND', `paper ${id} not found`, { id });

export const examEvents = {
  bankCreated: 'learning.questionBank.created',
  questionAdded: 'learning.question.added',
  created: 'learning.exam.created',
  updated: 'learning.exam.updated',
  publish: 'learning.exam.published',
  close: 'learning.exam.closed',
  paperOpened: 'learning.paper.opened',
  paperSubmitted: 'learning.paper.submitted',
  paperGraded: 'learning.paper.graded',
  paperFlagged: 'learning.paper.flagged',
} as const;

export class ExamRepository {
  readonly banks: OutboxStore<BankRecord>;
  readonly exams: OutboxStore<ExamRecord>;
  readonly papers: OutboxStore<PaperRecord>;
  private readonly questions;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.banks = outboxes.register(connection.model<BankRecord>('QuestionBank', bankSchema), {
      conflict: revisionConflict('question bank'),
    });
    this.exams = outboxes.register(connection.model<ExamRecord>('Exam', examSchema), { conflict: revisionConflict('exam') });
    this.papers = outboxes.register(connection.model<PaperRecord>('Paper', paperSchema), { conflict: revisionConflict('paper') });
    this.questions = connection.model<QuestionRecord>('Question', questionSchema);
  }

  get organizationPaths(): PathHolder[] {
    return [
      placedHolder('questionBanks', this.banks as never),
      placedHolder('exams', this.exams as never),
      placedHolder('papers', this.papers as never),
    ];
  }

  async createBank(name: string, orgPath: string, actor: string): Promise<QuestionBank> {
    const record: BankRecord = {
      _id: randomUUID(),
      name,
      ...placedAt(orgPath),
      createdBy: actor,
      createdAt: new Date().toISOString(),
      questions: 0,
      revision: 1,
    };
    await this.banks.insert(record, [{ type: examEvents.bankCreated, actor, orgPath, subjectId: record._id, data: { name } }]);
    return strip(record) as QuestionBank;
  }

  async findBank(id: string): Promise<QuestionBank | null> {
    const record = await this.banks.model.findById(id, withoutOutboxFields).lean<BankRecord>().exec();
    return record ? (strip(record) as QuestionBank) : null;
  }

  async listBanks(scope: string, page: number, size: number): Promise<Page<QuestionBank>> {
    return pageOf(
      this.banks.model,
      within(scope),
      { projection: withoutOutboxFields, sort: { createdAt: 1, _id: 1 }, page, size },
      (r) => strip(r as BankRecord) as QuestionBank,
    );
  }

  async addQuestion(bank: QuestionBank, fields: QuestionFields, actor: string): Promise<Question> {
    const record: QuestionRecord = {
      _id: randomUUID(),
      bankId: bank.id,
      orgPath: bank.orgPath,
      ...fields,
      blanks: storedBlanks(fields.blanks),
      createdBy: actor,
      createdAt: new Date().toISOString(),
    };
    await this.questions.create(record);
    // The count and the event travel on the bank's document.
    await this.banks.tryUpdate(
      { _id: bank.id },
      { $inc: { questions: 1, revision: 1 } },
      [
        {
          type: examEvents.questionAdded,
          actor,
          orgPath: bank.orgPath,
          subjectId: record._id,
          data: { bankId: bank.id, type: fields.type },
        },
      ],
      bank.id,
    );
    return toQuestion(record);
  }

  async listQuestions(
    filter: { bankId: string; type?: QuestionType; knowledgePoint?: string },
    page: number,
    size: number,
  ): Promise<Page<Question>> {
    const query: Record<string, unknown> = { bankId: filter.bankId };
    if (filter.type) query.type = filter.type;
    if (filter.knowledgePoint) query.knowledgePoints = filter.knowledgePoint;
    return pageOf(this.questions, query, { sort: { createdAt: 1, _id: 1 }, page, size }, (r) => toQuestion(r as QuestionRecord));
  }

  /** Every question of these banks (what a paper is drawn from). */
  async questionsOf(bankIds: readonly string[]): Promise<Question[]> {
    const lists = await Promise.all([...new Set(bankIds)].map((bankId) => this.questions.find({ bankId }).lean<QuestionRecord[]>().exec()));
    return lists.flat().map(toQuestion);
  }

  async questionsById(ids: readonly string[]): Promise<Question[]> {
    const found = await Promise.all(ids.map((id) => this.questions.findById(id).lean<QuestionRecord>().exec()));
    return found.flatMap((r) => (r ? [toQuestion(r)] : []));
  }

  async createExam(fields: ExamFields, orgPath: string, actor: string): Promise<Exam> {
    const now = new Date().toISOString();
    const record: ExamRecord = {
      _id: randomUUID(),
      ...fields,
      status: 'draft',
      ...placedAt(orgPath),
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    await this.exams.insert(record, [{ type: examEvents.created, actor, orgPath, subjectId: record._id, data: { title: fields.title } }]);
    return toExam(record);
  }

  async findExam(id: string): Promise<Exam | null> {
    const record = await this.exams.model.findById(id, withoutOutboxFields).lean<ExamRecord>().exec();
    return record ? toExam(record) : null;
  }

  /**
   * Exams of a subtree (staff), or, with `placedAtOneOf`, those placed at one of these nodes (a
   * learner's node and those above it).
   */
  async listExams(
    filter: { scope?: string; placedAtOneOf?: string[]; status?: ExamStatus },
    page: number,
    size: number,
  ): Promise<Page<Exam>> {
    const query: Record<string, unknown> = {
      ...(filter.scope ? within(filter.scope) : {}),
      ...(filter.placedAtOneOf ? { orgPath: { $in: filter.placedAtOneOf } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    };
    return pageOf(this.exams.model, query, { projection: withoutOutboxFields, sort: { createdAt: -1, _id: 1 }, page, size }, (r) =>
      toExam(r as ExamRecord),
    );
  }

  /** Saves a draft's new fields, if it is still the draft at the revision read. */
  async updateExam(current: Exam, fields: ExamFields, changed: string[], actor: string): Promise<Exam> {
    const event: NewEvent = {
      type: examEvents.updated,
      actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { revision: current.revision + 1, changed, title: fields.title },
    };
    return toExam(
      await this.exams.saveIf(
        current.id,
        current.revision,
        { status: 'draft' },
        { $set: { ...fields, updatedAt: new Date().toISOString() } },
        [event],
      ),
    );
  }

  async setExamStatus(current: Exam, status: ExamStatus, event: NewEvent): Promise<Exam> {
    return toExam(
      await this.exams.saveIf(
        current.id,
        current.revision,
        { status: current.status },
        { $set: { status, updatedAt: new Date().toISOString() } },
        [event],
      ),
    );
  }

  /** Opens a paper; its id (exam, candidate, attempt) makes a second opening of one attempt fail. */
  async openPaper(paper: Omit<Paper, 'id'>, events: NewEvent[]): Promise<Paper> {
    const _id = `${paper.examId}:${paper.memberId}:${paper.attempt}`;
    try {
      await this.papers.insert(
        { _id, ...paper, questions: storedPaperQuestions(paper.questions), ...placedAt(paper.orgPath), flagged: false, revision: 1 },
        events.map((e) => ({ ...e, subjectId: _id })),
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw failedPrecondition('EXAM_PAPER_OPEN', 'this paper was opened already', { paperId: _id });
      throw err;
    }
    return { id: _id, ...paper };
  }

  async findPaper(id: string): Promise<StoredPaper | null> {
    const record = await this.papers.model.findById(id, withoutOutboxFields).lean<PaperRecord>().exec();
    return record ? toPaper(record) : null;
  }

  /** A candidate's papers of an exam, by attempt. */
  async papersOf(examId: string, memberId: string): Promise<Paper[]> {
    const records = await this.papers.model.find({ memberId, examId }, withoutOutboxFields).lean<PaperRecord[]>().exec();
    return records.map(toPaper).sort((a, b) => a.attempt - b.attempt);
  }

  /** Every graded paper of a person (the portrait's exam results). */
  async resultsOf(memberId: string): Promise<Paper[]> {
    const records = await this.papers.model
      .find({ memberId, status: 'graded' }, { ...withoutOutboxFields, questions: 0, answers: 0 })
      .lean<PaperRecord[]>()
      .exec();
    return records.map((r) => toPaper({ ...r, questions: [], answers: [] }));
  }

  async listPapers(
    filter: { examId: string; flaggedOnly: boolean; awaitingGrading: boolean },
    page: number,
    size: number,
  ): Promise<Page<Paper>> {
    const query: Record<string, unknown> = { examId: filter.examId };
    if (filter.flaggedOnly) query.flagged = true;
    if (filter.awaitingGrading) query.status = 'submitted';
    return pageOf(this.papers.model, query, { projection: withoutOutboxFields, sort: { startedAt: 1, _id: 1 }, page, size }, (r) =>
      toPaper(r as PaperRecord),
    );
  }

  /** Saves a paper's new state if nobody changed it since it was read. */
  async savePaper(current: StoredPaper, set: Partial<Omit<Paper, 'questions'>>, events: NewEvent[]): Promise<StoredPaper> {
    const flagged = (set.flags ?? current.flags).length > 0;
    return toPaper(
      await this.papers.saveIf(current.id, current.revision, { status: current.status }, { $set: { ...set, flagged } }, events),
    );
  }

  /** Every open paper (the timer job submits those past their deadline); few are open at once. */
  async openPapers(): Promise<StoredPaper[]> {
    const records = await this.papers.model.find({ status: 'open' }, withoutOutboxFields).lean<PaperRecord[]>().exec();
    return records.map(toPaper);
  }
}
