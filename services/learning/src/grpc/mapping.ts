/** proto <-> domain for the learning service; enums through the generated codecs. */
import * as pb from '@repo/proto/learning/v1';
import { allMembers, type Audience } from '../domain/audience';
import type { ConversionTable } from '../domain/conversion';
import type { CourseFields, Unit } from '../domain/course';
import type { Enrolment, UnitProgress } from '../domain/enrolment';
import type { Exam, ExamFields, Question, QuestionBank, QuestionFields } from '../domain/exam';
import type { Ledger } from '../domain/ledger';
import type { Learner } from '../domain/learner';
import type { Answer, Paper } from '../domain/paper';
import type { PlayerSession } from '../domain/playback';
import type { PointsRules } from '../domain/points';
import type { RequirementSet } from '../domain/requirements';
import type { DuplicateOverride, Training, TrainingFields } from '../domain/training';
import type * as words from '../domain/vocabulary';
import type { CourseView } from '../courses/use-cases';
import type { HoursReport } from '../ledger/use-cases';
import type { Portrait } from '../portrait/use-cases';

/** A word from a codec, or '' so validation names the field. */
const word = <W extends string>(codec: { fromProto(v: string | undefined): string | undefined }, value: string | undefined) =>
  (codec.fromProto(value) ?? '') as W;
const words_ = <W extends string>(codec: { fromProto(v: string | undefined): string | undefined }, values: readonly string[]) =>
  values.map((v) => word<W>(codec, v));
const optionalDate = (value: string) => value || undefined;

function audienceFromProto(a: pb.Audience | undefined): Audience {
  return {
    kind: word<words.AudienceKind>(pb.audienceKindCodec, a?.kind),
    cadreLevels: words_<words.CadreLevel>(pb.cadreLevelCodec, a?.cadreLevels ?? []),
  };
}

function toProtoAudience(a: Audience): pb.Audience {
  return pb.Audience.create({
    kind: pb.audienceKindCodec.toProto(a.kind),
    cadreLevels: a.cadreLevels.map((l) => pb.cadreLevelCodec.toProto(l)),
  });
}

export function courseFieldsFromDraft(draft: pb.CourseDraft | undefined): CourseFields {
  const d = draft ?? pb.CourseDraft.create();
  return {
    title: d.title,
    code: d.code,
    summary: d.summary,
    category: word<words.CourseCategory>(pb.courseCategoryCodec, d.category),
    requirement: word<words.CourseRequirement>(pb.courseRequirementCodec, d.requirement),
    audience: audienceFromProto(d.audience),
    topic: d.topic,
    organiserKind: word<words.OrganiserKind>(pb.organiserKindCodec, d.organiserKind),
    organiserName: d.organiserName,
    fullTime: d.fullTime,
    capacity: d.capacity,
    units: d.units.map(
      (u): Unit => ({
        id: u.id,
        title: u.title,
        kind: word<words.UnitKind>(pb.unitKindCodec, u.kind),
        minutes: u.minutes,
        videoSeconds: u.videoSeconds,
        testExamId: u.testExamId,
        days: u.days.map((day) => ({ date: day.date, part: word<words.DayPart>(pb.dayPartCodec, day.part) })),
        place: u.place,
      }),
    ),
  };
}

export function toProtoCourse(course: CourseView): pb.Course {
  const days = course.units.flatMap((u) => u.days.map((d) => d.date)).sort();
  return pb.Course.create({
    id: course.id,
    title: course.title,
    code: course.code,
    summary: course.summary,
    category: pb.courseCategoryCodec.toProto(course.category),
    requirement: pb.courseRequirementCodec.toProto(course.requirement),
    audience: toProtoAudience(course.audience),
    topic: course.topic,
    organiserKind: pb.organiserKindCodec.toProto(course.organiserKind),
    organiserName: course.organiserName,
    fullTime: course.fullTime,
    capacity: course.capacity,
    seatsTaken: course.seatsTaken,
    units: course.units.map((u) =>
      pb.Unit.create({
        id: u.id,
        title: u.title,
        kind: pb.unitKindCodec.toProto(u.kind),
        minutes: u.minutes,
        videoSeconds: u.videoSeconds,
        testExamId: u.testExamId,
        days: u.days.map((d) => ({ date: d.date, part: pb.dayPartCodec.toProto(d.part) })),
        place: u.place,
        quarterHours: course.unitHours[u.id] ?? 0,
      }),
    ),
    status: pb.courseStatusCodec.toProto(course.status),
    orgPath: course.orgPath,
    createdBy: course.createdBy,
    createdAt: course.createdAt,
    updatedAt: course.updatedAt,
    revision: course.revision,
    quarterHours: course.quarterHours,
    startDate: days[0] ?? '',
    endDate: days[days.length - 1] ?? '',
    history: course.history.map((s) =>
      pb.CourseStep.create({
        action: pb.courseActionCodec.toProto(s.action),
        fromStatus: pb.courseStatusCodec.toProto(s.from),
        toStatus: pb.courseStatusCodec.toProto(s.to),
        actor: s.actor,
        at: s.at,
        note: s.note,
      }),
    ),
  });
}

export function toProtoOverride(override: DuplicateOverride | null): pb.DuplicateOverride | undefined {
  return override
    ? pb.DuplicateOverride.create({
        rule: pb.duplicateRuleCodec.toProto(override.rule),
        trainingId: override.trainingId,
        reason: override.reason,
        by: override.by,
        at: override.at,
      })
    : undefined;
}

export function toProtoProgress(unitId: string, p: UnitProgress): pb.UnitProgress {
  return pb.UnitProgress.create({
    unitId,
    completedAt: p.completedAt,
    coveragePermille: p.coveragePermille,
    readToPermille: p.readToPermille,
    daysAttended: p.daysAttended,
    testPassed: p.testPassed,
    quarterHours: p.quarterHours,
  });
}

export function toProtoEnrolment(e: Enrolment): pb.Enrolment {
  return pb.Enrolment.create({
    id: e.id,
    courseId: e.courseId,
    memberId: e.memberId,
    status: pb.enrolmentStatusCodec.toProto(e.status),
    orgPath: e.orgPath,
    enrolledAt: e.enrolledAt,
    enrolledBy: e.enrolledBy,
    completedAt: optionalDate(e.completedAt),
    units: Object.entries(e.units).map(([unitId, p]) => toProtoProgress(unitId, p)),
    override: toProtoOverride(e.override),
    quarterHours: e.quarterHours,
    revision: e.revision,
  });
}

export function toProtoSession(s: PlayerSession, videoSeconds: number): pb.LearningSession {
  return pb.LearningSession.create({
    id: s.sessionId,
    courseId: s.courseId,
    unitId: s.unitId,
    kind: pb.unitKindCodec.toProto(s.kind),
    startedAt: s.startedAt,
    videoSeconds,
  });
}

export function toProtoLedger(l: Ledger): pb.Ledger {
  return pb.Ledger.create({
    memberId: l.memberId,
    year: l.year,
    orgPath: l.orgPath,
    entries: l.entries.map(({ sessionKey: _session, ...e }) => pb.LedgerEntry.create({ ...e, kind: pb.hoursKindCodec.toProto(e.kind) })),
    onlineQuarterHours: l.totals.online,
    offlineQuarterHours: l.totals.offline,
    totalQuarterHours: l.totals.online + l.totals.offline,
    offlineSessions: l.totals.offlineSessions,
    rules: l.rules.map((r) => pb.RuleStanding.create(r)),
    onTrack: l.onTrack,
    assessedQuarters: l.assessedQuarters,
    requirementSet: l.requirementSet,
  });
}

export function toProtoReport(r: HoursReport, page: { page: number; size: number }): pb.GetHoursReportResponse {
  return pb.GetHoursReportResponse.create({
    year: r.year,
    orgPath: r.orgPath,
    learners: r.learners,
    onTrack: r.onTrack,
    met: r.met,
    shareOnTrackPermille: r.learners ? Math.floor((r.onTrack * 1000) / r.learners) : 0,
    rules: r.rules.map((rule) => pb.RuleSummary.create(rule)),
    behind: r.behind.map((b) => pb.BehindLearner.create(b)),
    page: { page: page.page, size: page.size, total: String(r.total) },
  });
}

export function conversionTableFromProto(t: pb.ConversionTable | undefined): ConversionTable {
  const table = t ?? pb.ConversionTable.create();
  return {
    version: table.version,
    effectiveFrom: table.effectiveFrom,
    onlineBands: table.onlineBands.map((b) => ({ minMinutes: b.minMinutes, quarterHours: b.quarterHours })),
    unitTestBonus: table.unitTestBonusQuarterHours,
    offlineFullDay: table.offlineFullDayQuarterHours,
    offlineHalfDay: table.offlineHalfDayQuarterHours,
    basis: table.basis,
    createdBy: '',
  };
}

export function toProtoConversionTable(t: ConversionTable): pb.ConversionTable {
  return pb.ConversionTable.create({
    version: t.version,
    effectiveFrom: t.effectiveFrom,
    onlineBands: t.onlineBands,
    unitTestBonusQuarterHours: t.unitTestBonus,
    offlineFullDayQuarterHours: t.offlineFullDay,
    offlineHalfDayQuarterHours: t.offlineHalfDay,
    basis: t.basis,
    createdBy: t.createdBy,
  });
}

export function requirementSetFromProto(s: pb.RequirementSet | undefined): RequirementSet {
  const set = s ?? pb.RequirementSet.create();
  return {
    version: set.version,
    effectiveFrom: set.effectiveFrom,
    createdBy: '',
    rules: set.rules.map((r) => ({
      code: r.code,
      title: r.title,
      basis: r.basis,
      audience: {
        stages: r.audience?.stages ?? [],
        posts: words_<words.LearnerPost>(pb.learnerPostCodec, r.audience?.posts ?? []),
        cadreLevels: words_<words.CadreLevel>(pb.cadreLevelCodec, r.audience?.cadreLevels ?? []),
      },
      windowYears: r.windowYears,
      minimumQuarterHours: r.minimumQuarterHours,
      counts: words_<words.HoursKind>(pb.hoursKindCodec, r.counts),
      minimumOfflineSessions: r.minimumOfflineSessions,
    })),
  };
}

export function toProtoRequirementSet(s: RequirementSet): pb.RequirementSet {
  return pb.RequirementSet.create({
    version: s.version,
    effectiveFrom: s.effectiveFrom,
    createdBy: s.createdBy,
    rules: s.rules.map((r) =>
      pb.RequirementRule.create({
        ...r,
        audience: {
          stages: r.audience.stages,
          posts: r.audience.posts.map((p) => pb.learnerPostCodec.toProto(p)),
          cadreLevels: r.audience.cadreLevels.map((l) => pb.cadreLevelCodec.toProto(l)),
        },
        counts: r.counts.map((k) => pb.hoursKindCodec.toProto(k)),
      }),
    ),
  });
}

export function toProtoLearner(l: Learner): pb.Learner {
  return pb.Learner.create({
    memberId: l.memberId,
    organizationId: l.organizationId,
    orgPath: l.orgPath,
    stage: l.stage,
    posts: l.posts.map((p) => pb.learnerPostCodec.toProto(p)),
    cadreLevel: pb.cadreLevelCodec.toProto(l.cadreLevel),
    userId: l.userId,
    updatedAt: l.updatedAt,
    revision: l.revision,
  });
}

export function toProtoBank(b: QuestionBank): pb.QuestionBank {
  return pb.QuestionBank.create(b);
}

export function questionFieldsFromProto(q: pb.Question | undefined): QuestionFields {
  const question = q ?? pb.Question.create();
  return {
    type: word<words.QuestionType>(pb.questionTypeCodec, question.type),
    stem: question.stem,
    options: question.options.map((o) => ({ key: o.key, text: o.text })),
    correctKeys: question.correctKeys,
    correctTruth: question.correctTruth,
    blanks: question.blanks.map((b) => b.accepted),
    referenceAnswer: question.referenceAnswer,
    knowledgePoints: question.knowledgePoints,
  };
}

export function toProtoQuestion(q: Question): pb.Question {
  const { orgPath: _path, createdAt: _at, ...fields } = q;
  return pb.Question.create({ ...fields, type: pb.questionTypeCodec.toProto(q.type), blanks: q.blanks.map((accepted) => ({ accepted })) });
}

export function examFieldsFromDraft(d: pb.ExamDraft | undefined): ExamFields {
  const draft = d ?? pb.ExamDraft.create();
  return {
    title: draft.title,
    fixedQuestions: draft.fixedQuestions.map((f) => ({ questionId: f.questionId, score: f.score })),
    drawRules: draft.drawRules.map((r) => ({
      bankId: r.bankId,
      type: word<words.QuestionType>(pb.questionTypeCodec, r.type),
      knowledgePoint: r.knowledgePoint,
      count: r.count,
      score: r.score,
    })),
    durationMinutes: draft.durationMinutes,
    passMark: draft.passMark,
    retakes: draft.retakes,
    opensAt: draft.opensAt ?? '',
    closesAt: draft.closesAt ?? '',
    minSecondsPerQuestion: draft.minSecondsPerQuestion,
    // An exam created without one is for all members; an update names it in its mask to set it.
    audience: draft.audience ? audienceFromProto(draft.audience) : allMembers,
  };
}

export function toProtoExam(exam: Exam, totalScore: number): pb.Exam {
  const { updatedAt: _updated, ...e } = exam;
  return pb.Exam.create({
    ...e,
    status: pb.examStatusCodec.toProto(e.status),
    drawRules: e.drawRules.map((r) => pb.DrawRule.create({ ...r, type: pb.questionTypeCodec.toProto(r.type) })),
    opensAt: optionalDate(e.opensAt),
    closesAt: optionalDate(e.closesAt),
    audience: toProtoAudience(e.audience),
    totalScore,
  });
}

export function answerFromProto(a: pb.Answer | undefined): Answer {
  return { keys: a?.keys ?? [], truth: a?.truth ?? false, texts: a?.texts ?? [] };
}

/** A paper as shown: never its answers' key; while open, no scores either. */
export function toProtoPaper(p: Paper): pb.Paper {
  const open = p.status === 'open';
  return pb.Paper.create({
    id: p.id,
    examId: p.examId,
    memberId: p.memberId,
    attempt: p.attempt,
    seed: p.seed,
    status: pb.paperStatusCodec.toProto(p.status),
    questions: p.questions.map((q) =>
      pb.PaperQuestion.create({
        questionId: q.questionId,
        type: pb.questionTypeCodec.toProto(q.type),
        stem: q.stem,
        options: q.options,
        blanks: q.blanks,
        score: q.score,
      }),
    ),
    answers: p.answers.map((a) =>
      pb.AnswerRecord.create({
        questionId: a.questionId,
        answer: a.answer,
        answeredAt: a.answeredAt,
        score: open ? 0 : a.score,
        gradedBy: a.gradedBy,
      }),
    ),
    startedAt: p.startedAt,
    deadline: p.deadline,
    submittedAt: optionalDate(p.submittedAt),
    autoSubmitted: p.autoSubmitted,
    score: open ? 0 : p.score,
    totalScore: p.totalScore,
    passed: p.passed,
    flags: p.flags.map((f) =>
      pb.AnomalyFlag.create({ kind: pb.anomalyKindCodec.toProto(f.kind), questionId: f.questionId, at: f.at, detail: f.detail }),
    ),
    orgPath: p.orgPath,
  });
}

export function trainingFieldsFromDraft(d: pb.TrainingDraft | undefined): TrainingFields {
  const draft = d ?? pb.TrainingDraft.create();
  return {
    title: draft.title,
    topic: draft.topic,
    courseCode: draft.courseCode,
    organiserKind: word<words.OrganiserKind>(pb.organiserKindCodec, draft.organiserKind),
    organiserName: draft.organiserName,
    mode: word<words.TrainingMode>(pb.trainingModeCodec, draft.mode),
    fullTime: draft.fullTime,
    startDate: draft.startDate,
    endDate: draft.endDate,
    quarterHours: draft.quarterHours,
    certificateNumber: draft.certificateNumber,
  };
}

export function toProtoTraining(t: Training): pb.Training {
  return pb.Training.create({
    ...t,
    organiserKind: pb.organiserKindCodec.toProto(t.organiserKind),
    mode: pb.trainingModeCodec.toProto(t.mode),
    status: pb.trainingStatusCodec.toProto(t.status),
    override: toProtoOverride(t.override),
  });
}

export function pointsRulesFromProto(r: pb.PointsRules | undefined): PointsRules {
  const rules = r ?? pb.PointsRules.create();
  return {
    version: rules.version,
    effectiveFrom: rules.effectiveFrom,
    rules: rules.rules.map((rule) => ({
      action: word<words.PointsAction>(pb.pointsActionCodec, rule.action),
      points: rule.points,
      dailyCap: rule.dailyCap,
    })),
    dailyMaximum: rules.dailyMaximum,
    createdBy: '',
  };
}

export function toProtoPointsRules(r: PointsRules): pb.PointsRules {
  return pb.PointsRules.create({ ...r, rules: r.rules.map((rule) => ({ ...rule, action: pb.pointsActionCodec.toProto(rule.action) })) });
}

export function toProtoPortrait(p: Portrait): pb.Portrait {
  return pb.Portrait.create({
    memberId: p.learner.memberId,
    cadreLevel: pb.cadreLevelCodec.toProto(p.learner.cadreLevel),
    posts: p.learner.posts.map((x) => pb.learnerPostCodec.toProto(x)),
    organizationId: p.learner.organizationId,
    orgPath: p.learner.orgPath,
    stage: p.learner.stage,
    organizationHistory: p.organizations.map((o) => pb.OrganizationSpell.create(o)),
    stageHistory: p.stages.map((s) => pb.StageStep.create(s)),
    hours: p.hours.map((h) =>
      pb.HoursYear.create({
        year: h.year,
        onlineQuarterHours: h.online,
        offlineQuarterHours: h.offline,
        totalQuarterHours: h.total,
        met: h.met,
        onTrack: h.onTrack,
      }),
    ),
    trainings: p.trainings.map(toProtoTraining),
    examResults: p.examResults.map((e) => pb.ExamResult.create(e)),
    meetings: p.meetings.map((m) => pb.MeetingYear.create(m)),
    messagesHandled: p.messagesHandled.map((m) => pb.MessagesYear.create(m)),
    discipline: p.discipline.map((c) =>
      pb.DisciplineRecord.create({
        ...c,
        influence: c.influence.map(({ from, until, ...i }) => pb.InfluencePeriod.create({ ...i, fromDate: from, untilDate: until })),
      }),
    ),
    inInfluencePeriod: p.inInfluencePeriod,
  });
}
