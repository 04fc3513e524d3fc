/** Exams over REST: banks and questions, exams, papers with the server's timer, grading, flags. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, expectedRevision, int32, PageFields, pageOf, pageQuery, updateMask } from '../common';
import type { LearningRouteOptions } from './clients';
import { AudienceBody, AudienceInput, audienceBodyOf, codecs, RecordId, toProtoAudience, wordOf, words } from './schemas';

const BankBody = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    orgPath: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    questions: Type.Integer(),
  },
  { $id: 'QuestionBank' },
);

const questionFields = {
  type: words('questionType', '单选 singleChoice, 多选 multipleChoice, 判断 trueFalse, 填空 fillIn, 简答 shortAnswer'),
  stem: Type.String({ minLength: 1, maxLength: 2_000 }),
  options: Type.Optional(
    Type.Array(
      Type.Object(
        { key: Type.String({ pattern: '^[A-J]$' }), text: Type.String({ minLength: 1, maxLength: 500 }) },
        { additionalProperties: false },
      ),
      { maxItems: 10, description: 'Choice questions: A, B, C … in order' },
    ),
  ),
  correctKeys: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-J]$' }), { maxItems: 10, description: 'Choice questions: the right options' }),
  ),
  correctTruth: Type.Optional(Type.Boolean({ description: 'True/false questions' })),
  blanks: Type.Optional(
    Type.Array(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 10 }), {
      maxItems: 10,
      description: 'Fill-in questions: per blank, the accepted answers',
    }),
  ),
  referenceAnswer: Type.Optional(Type.String({ maxLength: 5_000, description: 'Short answers: what graders compare with' })),
  knowledgePoints: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 })),
};
const QuestionInput = Type.Object(questionFields, { additionalProperties: false });
type QuestionInput = Static<typeof QuestionInput>;
const QuestionBody = Type.Object(
  {
    id: Type.String(),
    bankId: Type.String(),
    type: Type.String(),
    stem: Type.String(),
    options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
    correctKeys: Type.Array(Type.String()),
    correctTruth: Type.Boolean(),
    blanks: Type.Array(Type.Array(Type.String())),
    referenceAnswer: Type.String(),
    knowledgePoints: Type.Array(Type.String()),
    createdBy: Type.String(),
  },
  { $id: 'Question' },
);

const examFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  fixedQuestions: Type.Optional(
    Type.Array(
      Type.Object({ questionId: RecordId('Question id'), score: int32({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
      { maxItems: 200, description: 'A fixed paper; or draw rules' },
    ),
  ),
  drawRules: Type.Optional(
    Type.Array(
      Type.Object(
        {
          bankId: RecordId('Question bank'),
          type: words('questionType', 'Question type'),
          knowledgePoint: Type.Optional(Type.String({ maxLength: 50, description: 'Only questions of this knowledge point' })),
          count: int32({ minimum: 1, maximum: 200 }),
          score: int32({ minimum: 1, maximum: 100, description: 'Of each question drawn' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'Papers drawn per candidate: bank × type × knowledge point × count × score' },
    ),
  ),
  durationMinutes: int32({ minimum: 1, maximum: 600, description: 'The server holds the time; the paper is handed in at its end' }),
  passMark: int32({ minimum: 1, maximum: 20_000 }),
  retakes: int32({ minimum: 0, maximum: 5, description: 'Papers allowed after a failed one (补考)' }),
  opensAt: Type.Optional(Type.String({ format: 'date-time' })),
  closesAt: Type.Optional(Type.String({ format: 'date-time' })),
  minSecondsPerQuestion: Type.Optional(
    int32({ minimum: 0, maximum: 600, description: 'An answer sooner than this after the previous one is flagged for review' }),
  ),
  audience: Type.Optional(
    Type.Object(AudienceInput.properties, {
      additionalProperties: false,
      description: "Who may open a paper, as a course's audience; all members when left out",
    }),
  ),
};
const ExamInput = Type.Object(examFields, { additionalProperties: false });
type ExamInput = Static<typeof ExamInput>;

/** A window date to change: a date-time, or '' for none. */
const WindowDate = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Literal('')], { description: `${description}; '' for none` });
const ExamUpdate = Type.Object(
  {
    ...Object.fromEntries(Object.entries(examFields).map(([k, v]) => [k, Type.Optional(v)])),
    opensAt: Type.Optional(WindowDate('When papers start to open')),
    closesAt: Type.Optional(WindowDate('When papers stop opening')),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ExamBody = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    orgPath: Type.String(),
    status: Type.String(),
    fixedQuestions: Type.Array(Type.Object({ questionId: Type.String(), score: Type.Integer() })),
    drawRules: Type.Array(
      Type.Object({
        bankId: Type.String(),
        type: Type.String(),
        knowledgePoint: Type.String(),
        count: Type.Integer(),
        score: Type.Integer(),
      }),
    ),
    durationMinutes: Type.Integer(),
    passMark: Type.Integer(),
    retakes: Type.Integer(),
    opensAt: Type.String(),
    closesAt: Type.String(),
    minSecondsPerQuestion: Type.Integer(),
    audience: AudienceBody,
    totalScore: Type.Integer(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Exam' },
);

const AnswerInput = Type.Object(
  {
    keys: Type.Optional(Type.Array(Type.String({ pattern: '^[A-J]$' }), { maxItems: 10, description: 'Choice questions' })),
    truth: Type.Optional(Type.Boolean({ description: 'True/false questions' })),
    texts: Type.Optional(
      Type.Array(Type.String({ maxLength: 10_000 }), { maxItems: 10, description: 'Fill-in: one per blank; short answer: one text' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const PaperBody = Type.Object(
  {
    id: Type.String(),
    examId: Type.String(),
    memberId: Type.String(),
    attempt: Type.Integer(),
    seed: Type.String({ description: 'The shuffle of questions and options comes from it' }),
    status: Type.String(),
    questions: Type.Array(
      Type.Object({
        questionId: Type.String(),
        type: Type.String(),
        stem: Type.String(),
        options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
        blanks: Type.Integer(),
        score: Type.Integer(),
      }),
    ),
    answers: Type.Array(
      Type.Object({
        questionId: Type.String(),
        keys: Type.Array(Type.String()),
        truth: Type.Boolean(),
        texts: Type.Array(Type.String()),
        answeredAt: Type.String(),
        score: Type.Integer({ description: '-1 while a grader is due; 0 while the paper is open' }),
        gradedBy: Type.String(),
      }),
    ),
    startedAt: Type.String(),
    deadline: Type.String(),
    submittedAt: Type.String(),
    autoSubmitted: Type.Boolean(),
    score: Type.Integer(),
    totalScore: Type.Integer(),
    passed: Type.Boolean(),
    flags: Type.Array(Type.Object({ kind: Type.String(), questionId: Type.String(), at: Type.String(), detail: Type.String() })),
    orgPath: Type.String(),
  },
  { $id: 'Paper' },
);

function toBankBody(b: pb.QuestionBank | undefined): Static<typeof BankBody> {
  if (!b) throw new Error('service answered without a bank');
  return { id: b.id, name: b.name, orgPath: b.orgPath, createdBy: b.createdBy, createdAt: b.createdAt ?? '', questions: b.questions };
}

function toQuestionBody(q: pb.Question | undefined): Static<typeof QuestionBody> {
  if (!q) throw new Error('service answered without a question');
  return {
    id: q.id,
    bankId: q.bankId,
    type: wordOf(codecs.questionType, q.type),
    stem: q.stem,
    options: q.options,
    correctKeys: q.correctKeys,
    correctTruth: q.correctTruth,
    blanks: q.blanks.map((b) => b.accepted),
    referenceAnswer: q.referenceAnswer,
    knowledgePoints: q.knowledgePoints,
    createdBy: q.createdBy,
  };
}

function toExamBody(e: pb.Exam | undefined): Static<typeof ExamBody> {
  if (!e) throw new Error('service answered without an exam');
  return {
    id: e.id,
    title: e.title,
    orgPath: e.orgPath,
    status: wordOf(codecs.examStatus, e.status),
    fixedQuestions: e.fixedQuestions,
    drawRules: e.drawRules.map((r) => ({
      bankId: r.bankId,
      type: wordOf(codecs.questionType, r.type),
      knowledgePoint: r.knowledgePoint,
      count: r.count,
      score: r.score,
    })),
    durationMinutes: e.durationMinutes,
    passMark: e.passMark,
    retakes: e.retakes,
    opensAt: e.opensAt ?? '',
    closesAt: e.closesAt ?? '',
    minSecondsPerQuestion: e.minSecondsPerQuestion,
    audience: audienceBodyOf(e.audience),
    totalScore: e.totalScore,
    createdBy: e.createdBy,
    createdAt: e.createdAt ?? '',
    revision: e.revision,
  };
}

function toPaperBody(p: pb.Paper | undefined): Static<typeof PaperBody> {
  if (!p) throw new Error('service answered without a paper');
  return {
    id: p.id,
    examId: p.examId,
    memberId: p.memberId,
    attempt: p.attempt,
    seed: p.seed,
    status: wordOf(codecs.paperStatus, p.status),
    questions: p.questions.map((q) => ({
      questionId: q.questionId,
      type: wordOf(codecs.questionType, q.type),
      stem: q.stem,
      options: q.options,
      blanks: q.blanks,
      score: q.score,
    })),
    answers: p.answers.map((a) => ({
      questionId: a.questionId,
      keys: a.answer?.keys ?? [],
      truth: a.answer?.truth ?? false,
      texts: a.answer?.texts ?? [],
      answeredAt: a.answeredAt ?? '',
      score: a.score,
      gradedBy: a.gradedBy,
    })),
    startedAt: p.startedAt ?? '',
    deadline: p.deadline ?? '',
    submittedAt: p.submittedAt ?? '',
    autoSubmitted: p.autoSubmitted,
    score: p.score,
    totalScore: p.totalScore,
    passed: p.passed,
    flags: p.flags.map((f) => ({ kind: wordOf(codecs.anomaly, f.kind), questionId: f.questionId, at: f.at ?? '', detail: f.detail })),
    orgPath: p.orgPath,
  };
}

function toQuestion(q: QuestionInput): pb.Question {
  return pb.Question.create({
    type: codecs.questionType.toProto(q.type),
    stem: q.stem,
    options: q.options ?? [],
    correctKeys: q.correctKeys ?? [],
    correctTruth: q.correctTruth ?? false,
    blanks: (q.blanks ?? []).map((accepted) => ({ accepted })),
    referenceAnswer: q.referenceAnswer ?? '',
    knowledgePoints: q.knowledgePoints ?? [],
  });
}

function toExamDraft(b: Partial<ExamInput>): pb.ExamDraft {
  return pb.ExamDraft.create({
    title: b.title ?? '',
    fixedQuestions: b.fixedQuestions ?? [],
    drawRules: (b.drawRules ?? []).map((r) => ({
      bankId: r.bankId,
      type: codecs.questionType.toProto(r.type),
      knowledgePoint: r.knowledgePoint ?? '',
      count: r.count,
      score: r.score,
    })),
    durationMinutes: b.durationMinutes ?? 0,
    passMark: b.passMark ?? 0,
    retakes: b.retakes ?? 0,
    // '' (no window) travels as no timestamp.
    opensAt: b.opensAt || undefined,
    closesAt: b.closesAt || undefined,
    minSecondsPerQuestion: b.minSecondsPerQuestion ?? 0,
    audience: b.audience ? toProtoAudience(b.audience) : undefined,
  });
}

const IdParams = Type.Object({ id: RecordId('Id') }, { additionalProperties: false });
const Created = (body: object) => ({ 201: body, ...errorResponses });

export const examRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.post(
    '/question-banks',
    {
      schema: {
        tags: ['exams'],
        summary: 'A question bank of your organisation',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: Created(BankBody),
      },
    },
    async (request, reply) =>
      reply.status(201).send(toBankBody((await call(request, learning.exams, 'createQuestionBank', { name: request.body.name })).bank)),
  );

  app.get(
    '/question-banks',
    {
      schema: {
        tags: ['exams'],
        summary: 'Question banks of your scope',
        querystring: Type.Object(pageQuery(), { additionalProperties: false }),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(BankBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const r = await call(request, learning.exams, 'listQuestionBanks', {
        page: { page: request.query.page ?? 1, size: request.query.size ?? 20 },
      });
      return { ...pageOf(r.page), items: r.banks.map(toBankBody) };
    },
  );

  app.post(
    '/question-banks/:id/questions',
    {
      schema: {
        tags: ['exams'],
        summary: 'Add a question to a bank',
        params: IdParams,
        body: QuestionInput,
        response: Created(QuestionBody),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toQuestionBody(
            (await call(request, learning.exams, 'addQuestion', { bankId: request.params.id, question: toQuestion(request.body) }))
              .question,
          ),
        ),
  );

  app.get(
    '/question-banks/:id/questions',
    {
      schema: {
        tags: ['exams'],
        summary: "A bank's questions, with their answers (staff)",
        params: IdParams,
        querystring: Type.Object(
          { ...pageQuery(), type: Type.Optional(questionFields.type), knowledgePoint: Type.Optional(Type.String({ maxLength: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(QuestionBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await call(request, learning.exams, 'listQuestions', {
        bankId: request.params.id,
        type: codecs.questionType.toProto(q.type),
        knowledgePoint: q.knowledgePoint ?? '',
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(r.page), items: r.questions.map(toQuestionBody) };
    },
  );

  app.post(
    '/exams',
    { schema: { tags: ['exams'], summary: 'Create a draft exam', body: ExamInput, response: Created(ExamBody) } },
    async (request, reply) => {
      const { exam } = await call(request, learning.exams, 'createExam', { draft: toExamDraft(request.body) });
      return reply.status(201).header('location', `/api/v1/exams/${exam?.id}`).send(toExamBody(exam));
    },
  );

  app.get(
    '/exams',
    {
      schema: {
        tags: ['exams'],
        summary: 'Exams of your scope (staff); with forMe, the published exams offered to you whose audience includes you',
        querystring: Type.Object(
          {
            ...pageQuery(),
            status: Type.Optional(words('examStatus', 'Status')),
            forMe: Type.Optional(
              Type.Boolean({ description: 'Only published exams offered to the caller, of an audience including them' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(ExamBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await call(request, learning.exams, 'listExams', {
        status: codecs.examStatus.toProto(q.status),
        forMe: q.forMe ?? false,
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(r.page), items: r.exams.map(toExamBody) };
    },
  );

  app.get(
    '/exams/:id',
    { schema: { tags: ['exams'], summary: 'One exam', params: IdParams, response: { 200: ExamBody, ...errorResponses } } },
    async (request) => toExamBody((await call(request, learning.exams, 'getExam', { id: request.params.id })).exam),
  );

  app.patch(
    '/exams/:id',
    {
      schema: {
        tags: ['exams'],
        summary: 'Change fields of a draft exam; fields left out keep their values',
        params: IdParams,
        body: ExamUpdate,
        response: { 200: ExamBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as Partial<ExamInput> & { expectedRevision?: number };
      const { exam } = await call(request, learning.exams, 'updateExam', {
        id: request.params.id,
        draft: toExamDraft(body),
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toExamBody(exam);
    },
  );

  for (const action of codecs.examAction.values) {
    app.post(
      `/exams/:id/${action}`,
      { schema: { tags: ['exams'], summary: `Exam step: ${action}`, params: IdParams, response: { 200: ExamBody, ...errorResponses } } },
      async (request) =>
        toExamBody(
          (await call(request, learning.exams, 'transitionExam', { id: request.params.id, action: codecs.examAction.toProto(action) }))
            .exam,
        ),
    );
  }

  app.post(
    '/exams/:id/papers',
    {
      schema: {
        tags: ['exams'],
        summary: 'Open your paper: drawn and shuffled from its seed; the timer starts',
        params: IdParams,
        response: Created(PaperBody),
      },
    },
    async (request, reply) => {
      const { paper } = await call(request, learning.exams, 'openPaper', { examId: request.params.id });
      return reply.status(201).header('location', `/api/v1/papers/${paper?.id}`).send(toPaperBody(paper));
    },
  );

  app.get(
    '/exams/:id/papers',
    {
      schema: {
        tags: ['exams'],
        summary: "An exam's papers, scores and flags (graders)",
        params: IdParams,
        querystring: Type.Object(
          { ...pageQuery(), flaggedOnly: Type.Optional(Type.Boolean()), awaitingGrading: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(PaperBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await call(request, learning.exams, 'listPapers', {
        examId: request.params.id,
        flaggedOnly: q.flaggedOnly ?? false,
        awaitingGrading: q.awaitingGrading ?? false,
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(r.page), items: r.papers.map(toPaperBody) };
    },
  );

  app.get(
    '/papers/:id',
    {
      schema: {
        tags: ['exams'],
        summary: 'A paper (yours, or in your scope as a grader)',
        params: IdParams,
        response: { 200: PaperBody, ...errorResponses },
      },
    },
    async (request) => toPaperBody((await call(request, learning.exams, 'getPaper', { id: request.params.id })).paper),
  );

  app.put(
    '/papers/:id/answers/:questionId',
    {
      schema: {
        tags: ['exams'],
        summary: 'Answer a question of your open paper (again to change the answer)',
        params: Type.Object({ id: RecordId('Paper id'), questionId: RecordId('Question id') }, { additionalProperties: false }),
        body: AnswerInput,
        response: { 200: PaperBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { paper } = await call(request, learning.exams, 'answerQuestion', {
        paperId: request.params.id,
        questionId: request.params.questionId,
        answer: { keys: b.keys ?? [], truth: b.truth ?? false, texts: b.texts ?? [] },
      });
      return toPaperBody(paper);
    },
  );

  app.post(
    '/papers/:id/submit',
    { schema: { tags: ['exams'], summary: 'Hand your paper in', params: IdParams, response: { 200: PaperBody, ...errorResponses } } },
    async (request) => toPaperBody((await call(request, learning.exams, 'submitPaper', { paperId: request.params.id })).paper),
  );

  app.post(
    '/papers/:id/grades',
    {
      schema: {
        tags: ['exams'],
        summary: 'Grade a short answer',
        params: IdParams,
        body: Type.Object(
          { questionId: RecordId('Question id'), score: int32({ minimum: 0, maximum: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: PaperBody, ...errorResponses },
      },
    },
    async (request) =>
      toPaperBody(
        (
          await call(request, learning.exams, 'gradeAnswer', {
            paperId: request.params.id,
            questionId: request.body.questionId,
            score: request.body.score,
          })
        ).paper,
      ),
  );
};
