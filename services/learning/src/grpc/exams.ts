/** ExamService over gRPC. */
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import { editableExamFields, totalScore } from '../domain/exam';
import type { ExamAction, ExamStatus, QuestionType } from '../domain/vocabulary';
import { examPaging, type ExamUseCases } from '../exams/use-cases';
import {
  answerFromProto,
  examFieldsFromDraft,
  questionFieldsFromProto,
  toProtoBank,
  toProtoExam,
  toProtoPaper,
  toProtoQuestion,
} from './mapping';

export const examServiceName = 'learning.v1.ExamService';

export function examService(exams: ExamUseCases): ServiceRegistration {
  return defineService(examServiceName, pb.ExamServiceService, {
    createQuestionBank: async (request, { caller }) => ({ bank: toProtoBank(await exams.createBank(caller, request.name)) }),

    listQuestionBanks: async (request, { caller }) => {
      const page = pageOf(request, examPaging);
      const result = await exams.listBanks(caller, page.page, page.size);
      return { banks: result.items.map(toProtoBank), page: pageAnswer(page, result.total) };
    },

    addQuestion: async (request, { caller }) => ({
      question: toProtoQuestion(await exams.addQuestion(caller, request.bankId, questionFieldsFromProto(request.question))),
    }),

    listQuestions: async (request, { caller }) => {
      const page = pageOf(request, examPaging);
      const type = pb.questionTypeCodec.fromProto(request.type) as QuestionType | undefined;
      const result = await exams.listQuestions(
        caller,
        request.bankId,
        { ...(type ? { type } : {}), ...(request.knowledgePoint ? { knowledgePoint: request.knowledgePoint } : {}) },
        page.page,
        page.size,
      );
      return { questions: result.items.map(toProtoQuestion), page: pageAnswer(page, result.total) };
    },

    createExam: async (request, { caller }) => {
      const exam = await exams.createExam(caller, examFieldsFromDraft(request.draft));
      return { exam: toProtoExam(exam, totalScore(exam)) };
    },

    getExam: async (request, { caller }) => {
      const exam = await exams.getExam(caller, request.id);
      return { exam: toProtoExam(exam, totalScore(exam)) };
    },

    listExams: async (request, { caller }) => {
      const page = pageOf(request, examPaging);
      const status = pb.examStatusCodec.fromProto(request.status) as ExamStatus | undefined;
      const result = await exams.listExams(caller, { ...page, forMe: request.forMe, ...(status ? { status } : {}) });
      return { exams: result.items.map((e) => toProtoExam(e, totalScore(e))), page: pageAnswer(page, result.total) };
    },

    updateExam: async (request, { caller }) => {
      const fields = updateMaskOf(request.updateMask, editableExamFields);
      const exam = await exams.updateExam(caller, request.id, fields, examFieldsFromDraft(request.draft), request.expectedRevision);
      return { exam: toProtoExam(exam, totalScore(exam)) };
    },

    transitionExam: async (request, { caller }) => {
      const action = pb.examActionCodec.fromProto(request.action) as ExamAction | undefined;
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${pb.examActionCodec.values.join(', ')}` }]);
      const exam = await exams.transition(caller, request.id, action);
      return { exam: toProtoExam(exam, totalScore(exam)) };
    },

    openPaper: async (request, { caller }) => ({ paper: toProtoPaper(await exams.openPaper(caller, request.examId)) }),

    getPaper: async (request, { caller }) => ({ paper: toProtoPaper(await exams.getPaper(caller, request.id)) }),

    answerQuestion: async (request, { caller }) => ({
      paper: toProtoPaper(await exams.answer(caller, request.paperId, request.questionId, answerFromProto(request.answer))),
    }),

    submitPaper: async (request, { caller }) => ({ paper: toProtoPaper(await exams.submit(caller, request.paperId)) }),

    gradeAnswer: async (request, { caller }) => ({
      paper: toProtoPaper(await exams.grade(caller, request.paperId, request.questionId, request.score)),
    }),

    listPapers: async (request, { caller }) => {
      const page = pageOf(request, examPaging);
      const result = await exams.listPapers(
        caller,
        request.examId,
        { flaggedOnly: request.flaggedOnly, awaitingGrading: request.awaitingGrading },
        page.page,
        page.size,
      );
      return { papers: result.items.map(toProtoPaper), page: pageAnswer(page, result.total) };
    },
  });
}
