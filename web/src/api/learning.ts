/** Courses, study, class hours, exams and trainings (gateway/src/routes/learning). */
import { api, ApiError } from './http';
import type { Page } from './member';

export interface Unit {
  id: string;
  title: string;
  kind: 'article' | 'video' | 'document' | 'offlineSession' | string;
  minutes: number;
  videoSeconds: number;
  testExamId: string;
  days: { date: string; part: string }[];
  place: string;
  hours: number;
}

export interface Course {
  id: string;
  title: string;
  code: string;
  summary: string;
  category: string;
  requirement: string;
  audience: { kind: string; cadreLevels: string[] };
  topic: string;
  organiserKind: string;
  organiserName: string;
  fullTime: boolean;
  capacity: number;
  seatsTaken: number;
  units: Unit[];
  hours: number;
  startDate: string;
  endDate: string;
  status: string;
  revision: number;
}

export interface UnitProgress {
  unitId: string;
  completedAt: string;
  coveragePermille: number;
  readToPermille: number;
  daysAttended: string[];
  testPassed: boolean;
  hours: number;
}

export interface Enrolment {
  id: string;
  courseId: string;
  memberId: string;
  status: 'enrolled' | 'completed' | 'cancelled' | string;
  enrolledAt: string;
  completedAt: string;
  units: UnitProgress[];
  hours: number;
  /** Enrolled despite a duplicate-training refusal: the rule, the earlier training, why, by whom. */
  override?: { rule: string; trainingId: string; reason: string; by: string; at: string };
}

export interface StudySession {
  id: string;
  courseId: string;
  unitId: string;
  kind: string;
  startedAt: string;
  videoSeconds: number;
}

export interface RuleStanding {
  code: string;
  title: string;
  windowYears: number;
  required: number;
  earned: number;
  expected: number;
  offlineSessions: number;
  requiredOfflineSessions: number;
  met: boolean;
  onTrack: boolean;
}

export interface Ledger {
  memberId: string;
  year: number;
  entries: {
    key: string;
    kind: string;
    hours: number;
    date: string;
    title: string;
    courseId: string;
    unitId: string;
    trainingId: string;
  }[];
  online: number;
  offline: number;
  total: number;
  offlineSessions: number;
  rules: RuleStanding[];
  onTrack: boolean;
  assessedQuarters: number;
  requirementSet: string;
}

/** Questions drawn per candidate: from a bank, of a type (and a knowledge point), so many, each of a score. */
export interface DrawRule {
  bankId: string;
  type: string;
  knowledgePoint?: string;
  count: number;
  score: number;
}

/** What an exam is made of and how it runs: either fixed questions or draw rules. */
export interface ExamDraft {
  title: string;
  fixedQuestions?: { questionId: string; score: number }[];
  drawRules?: DrawRule[];
  durationMinutes: number;
  passMark: number;
  retakes: number;
  /** ISO date-times; left out for no limit. */
  opensAt?: string;
  closesAt?: string;
  minSecondsPerQuestion?: number;
  /** Who may open a paper; all members when left out. */
  audience?: Audience;
}

/** Whom a course or an exam is for. */
export interface Audience {
  kind: string;
  cadreLevels?: string[];
}

export interface Exam {
  id: string;
  title: string;
  orgPath: string;
  status: string;
  fixedQuestions: { questionId: string; score: number }[];
  drawRules: (DrawRule & { knowledgePoint: string })[];
  durationMinutes: number;
  passMark: number;
  retakes: number;
  opensAt: string;
  closesAt: string;
  minSecondsPerQuestion: number;
  audience: { kind: string; cadreLevels: string[] };
  totalScore: number;
  revision: number;
}

export interface QuestionBank {
  id: string;
  name: string;
  orgPath: string;
  createdAt: string;
  questions: number;
}

export interface Question {
  id: string;
  bankId: string;
  type: string;
  stem: string;
  options: { key: string; text: string }[];
  correctKeys: string[];
  correctTruth: boolean;
  blanks: string[][];
  referenceAnswer: string;
  knowledgePoints: string[];
}

/** A question as written: the fields of its type only. */
export interface QuestionInput {
  type: string;
  stem: string;
  options?: { key: string; text: string }[];
  correctKeys?: string[];
  correctTruth?: boolean;
  blanks?: string[][];
  referenceAnswer?: string;
  knowledgePoints?: string[];
}

export interface PaperQuestion {
  questionId: string;
  type: 'singleChoice' | 'multipleChoice' | 'trueFalse' | 'fillIn' | 'shortAnswer' | string;
  stem: string;
  options: { key: string; text: string }[];
  blanks: number;
  score: number;
}

export interface Answer {
  keys?: string[];
  truth?: boolean;
  texts?: string[];
}

export interface Paper {
  id: string;
  examId: string;
  attempt: number;
  status: 'open' | 'submitted' | 'graded' | string;
  questions: PaperQuestion[];
  answers: { questionId: string; keys: string[]; truth: boolean; texts: string[]; answeredAt: string; score: number; gradedBy?: string }[];
  memberId?: string;
  startedAt: string;
  deadline: string;
  submittedAt: string;
  autoSubmitted: boolean;
  score: number;
  totalScore: number;
  passed: boolean;
}

export interface Training {
  id: string;
  title: string;
  topic: string;
  courseId: string;
  organiserKind: string;
  organiserName: string;
  mode: string;
  fullTime: boolean;
  startDate: string;
  endDate: string;
  hours: number;
  certificateNumber: string;
  status: string;
  createdAt: string;
  /** Recorded despite a duplicate-training refusal: the rule, the earlier training, why, by whom. */
  override?: { rule: string; trainingId: string; reason: string; by: string; at: string };
}

/** A training attended elsewhere, as recorded by staff. */
export interface TrainingDraft {
  title: string;
  topic: string;
  organiserKind: string;
  organiserName: string;
  mode: string;
  fullTime?: boolean;
  startDate: string;
  endDate: string;
  hours: number;
  certificateNumber?: string;
  overrideReason?: string;
}

export const duplicateRuleLabels: Record<string, string> = {
  sameCourseCompleted: '已完成同一课程',
  sameTopicWithinPeriod: '规定期限内同一主题',
  fullTimeOverlap: '脱产培训时间重叠',
};
/** The refusals of duplicate training (their details name the earlier training). */
export const duplicateCodes = ['TRAINING_COURSE_COMPLETED', 'TRAINING_TOPIC_REPEATED', 'TRAINING_DATES_OVERLAP'];

/** A duplicate-training refusal in words: the rule broken and the earlier training; null for any other error. */
export function duplicateRefusal(err: unknown): { rule: string; earlier: string } | null {
  if (!(err instanceof ApiError) || !duplicateCodes.includes(err.code)) return null;
  const d = err.details;
  const dates = d.startDate ? `${d.startDate} 至 ${d.endDate}` : '';
  return {
    rule: duplicateRuleLabels[d.rule ?? ''] ?? d.rule ?? '',
    earlier: `《${d.title ?? ''}》${d.organiser ? `，${d.organiser}` : ''}${dates ? `，${dates}` : ''}`,
  };
}

export const unitKindLabels: Record<string, string> = { article: '图文', video: '视频', document: '文件', offlineSession: '集中培训' };
export const categoryLabels: Record<string, string> = {
  theory: '理论学习',
  partySpirit: '党性教育',
  professional: '业务知识',
  integrity: '廉洁教育',
  policy: '政策法规',
  other: '其他',
};
export const requirementLabels: Record<string, string> = { required: '必修', elective: '选修' };
export const courseStatusLabels: Record<string, string> = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };
export const enrolmentStatusLabels: Record<string, string> = { enrolled: '学习中', completed: '已完成', cancelled: '已取消' };
export const examStatusLabels: Record<string, string> = { draft: '草稿', published: '已发布', closed: '已结束' };
export const questionTypeLabels: Record<string, string> = {
  singleChoice: '单选题',
  multipleChoice: '多选题',
  trueFalse: '判断题',
  fillIn: '填空题',
  shortAnswer: '简答题',
};
export const organiserKindLabels: Record<string, string> = {
  organizationDepartment: '组织部',
  partySchool: '党校',
  department: '部门',
  other: '其他',
};
export const trainingModeLabels: Record<string, string> = { online: '线上', offline: '线下' };

const id = encodeURIComponent;

export const listCourses = (query: { forMe?: boolean; status?: string; page?: number; size?: number }) =>
  api<Page<Course>>('/courses', { query });
export const getCourse = (courseId: string) => api<Course>(`/courses/${id(courseId)}`);
export const createCourse = (body: Record<string, unknown>) => api<Course>('/courses', { method: 'POST', body });
export const stepCourse = (courseId: string, action: 'publish' | 'withdraw', note?: string) =>
  api<Course>(`/courses/${id(courseId)}/${action}`, { method: 'POST', body: note ? { note } : {} });

export const myEnrolments = (query: { status?: string; page?: number; size?: number } = {}) =>
  api<Page<Enrolment>>('/me/enrolments', { query: { size: 100, ...query } });
export const enrol = (courseId: string) => api<Enrolment>(`/courses/${id(courseId)}/enrolments`, { method: 'POST', body: {} });
/** A course's enrolments (staff). */
export const courseEnrolments = (courseId: string, query: { status?: string; page?: number; size?: number } = {}) =>
  api<Page<Enrolment>>(`/courses/${id(courseId)}/enrolments`, { query: { size: 200, ...query } });
/** Enrols someone else (staff); with a reason, despite a duplicate-training refusal (the override right). */
export const enrolMember = (courseId: string, memberId: string, overrideReason?: string) =>
  api<Enrolment>(`/courses/${id(courseId)}/enrolments`, {
    method: 'POST',
    body: { memberId, ...(overrideReason ? { overrideReason } : {}) },
  });
export const cancelEnrolment = (enrolmentId: string, reason?: string) =>
  api<Enrolment>(`/enrolments/${id(enrolmentId)}/cancel`, { method: 'POST', body: reason ? { reason } : {} });
export const getEnrolment = (enrolmentId: string) => api<Enrolment>(`/enrolments/${id(enrolmentId)}`);
export const startUnit = (courseId: string, unitId: string) =>
  api<StudySession>(`/courses/${id(courseId)}/units/${id(unitId)}/sessions`, { method: 'POST' });
export const reportProgress = (
  sessionId: string,
  body: { readToPermille?: number; intervals?: { fromSecond: number; toSecond: number }[] },
) =>
  api<{ unit: UnitProgress; unitCompleted: boolean; courseCompleted: boolean }>(`/learning-sessions/${id(sessionId)}/progress`, {
    method: 'POST',
    body,
  });

export const myLedger = (year?: number) => api<Ledger>('/me/ledger', { query: { year } });

export const listExams = (query: { status?: string; page?: number; size?: number } = {}) => api<Page<Exam>>('/exams', { query });
export const getExam = (examId: string) => api<Exam>(`/exams/${id(examId)}`);
export const createExam = (body: ExamDraft) => api<Exam>('/exams', { method: 'POST', body });
/** Changes fields of a draft exam ('' clears a window date), refused unless still at `expectedRevision`. */
export const updateExam = (examId: string, body: Partial<ExamDraft> & { expectedRevision: number }) =>
  api<Exam>(`/exams/${id(examId)}`, { method: 'PATCH', body });
export const stepExam = (examId: string, action: 'publish' | 'close') => api<Exam>(`/exams/${id(examId)}/${action}`, { method: 'POST' });
export const listBanks = (query: { page?: number; size?: number } = {}) => api<Page<QuestionBank>>('/question-banks', { query });
export const createBank = (name: string) => api<QuestionBank>('/question-banks', { method: 'POST', body: { name } });
export const listQuestions = (bankId: string, query: { type?: string; knowledgePoint?: string; page?: number; size?: number } = {}) =>
  api<Page<Question>>(`/question-banks/${id(bankId)}/questions`, { query });
export const addQuestion = (bankId: string, body: QuestionInput) =>
  api<Question>(`/question-banks/${id(bankId)}/questions`, { method: 'POST', body });
export const listPapers = (
  examId: string,
  query: { awaitingGrading?: boolean; flaggedOnly?: boolean; page?: number; size?: number } = {},
) => api<Page<Paper>>(`/exams/${id(examId)}/papers`, { query });
export const gradeAnswer = (paperId: string, questionId: string, score: number) =>
  api<Paper>(`/papers/${id(paperId)}/grades`, { method: 'POST', body: { questionId, score } });
export const openPaper = (examId: string) => api<Paper>(`/exams/${id(examId)}/papers`, { method: 'POST' });
export const getPaper = (paperId: string) => api<Paper>(`/papers/${id(paperId)}`);
export const answerQuestion = (paperId: string, questionId: string, answer: Answer) =>
  api<Paper>(`/papers/${id(paperId)}/answers/${id(questionId)}`, { method: 'PUT', body: answer });
export const submitPaper = (paperId: string) => api<Paper>(`/papers/${id(paperId)}/submit`, { method: 'POST' });

export const recordTraining = (memberId: string, body: TrainingDraft) =>
  api<Training>(`/cadres/${id(memberId)}/trainings`, { method: 'POST', body });
export const myTrainings = (memberId: string) => api<Page<Training>>(`/cadres/${id(memberId)}/trainings`, { query: { size: 100 } });

/** 1.25 → "1.25"; 8 → "8". */
export const hoursText = (hours: number) => String(Number(hours.toFixed(2)));

/** Class hours of a subtree and year: the share of learners on track, per requirement (GET /learning/reports/hours). */
export interface HoursReport {
  year: number;
  orgPath: string;
  learners: number;
  onTrack: number;
  met: number;
  shareOnTrack: number;
  rules: { code: string; title: string; applicable: number; onTrack: number; met: number }[];
  total: number;
}

export const hoursReport = (query: { organizationId?: string; year?: number; size?: number } = {}) =>
  api<HoursReport>('/learning/reports/hours', { query });

/**
 * The rule data with effective dates (GET/POST /learning/conversion-tables, /requirement-sets,
 * /points-rules): every version is kept as it was added, oldest first.
 */
export interface RuleVersion {
  version: string;
  effectiveFrom: string;
  createdBy: string;
}

/** How units earn class hours: online minute bands (longest first), the test bonus, offline days. */
export interface ConversionTable extends RuleVersion {
  onlineBands: { minMinutes: number; hours: number }[];
  unitTestBonus: number;
  offlineFullDay: number;
  offlineHalfDay: number;
  basis: string;
}

/** One requirement: whom it applies to, the hours needed in its window and what counts. */
export interface RequirementRule {
  code: string;
  title: string;
  basis: string;
  audience: { stages: string[]; posts: string[]; cadreLevels: string[] };
  windowYears: number;
  minimum: number;
  counts: string[];
  minimumOfflineSessions: number;
}

/** The requirements assessing whole years from the 1 January it takes effect. */
export interface RequirementSet extends RuleVersion {
  rules: RequirementRule[];
}

export interface PointsRules extends RuleVersion {
  rules: { action: string; points: number; dailyCap: number }[];
  dailyMaximum: number;
}

/** Points of an organisation and everything below it: never a person's. */
export interface PointsStatistics {
  organizationId: string;
  year: number;
  enabled: boolean;
  participants: number;
  totalPoints: number;
}

export const pointsActionLabels: Record<string, string> = { unitCompleted: '完成一个学习单元', examPassed: '通过一次考试' };
export const postLabels: Record<string, string> = { branchSecretary: '支部书记', branchCommitteeMember: '支委委员' };
export const cadreLevelLabels: Record<string, string> = {
  provincialMinisterial: '省部级',
  departmentBureau: '厅局级',
  countyDivision: '县处级',
  townshipSection: '乡科级及以下',
};
export const hoursKindLabels: Record<string, string> = { online: '网络自学', offline: '集中培训' };
export const dayPartLabels: Record<string, string> = { fullDay: '全天', halfDay: '半天' };

type Draft<T extends RuleVersion> = Omit<T, 'createdBy'>;

export const listConversionTables = () => api<{ items: ConversionTable[] }>('/learning/conversion-tables');
export const addConversionTable = (body: Draft<ConversionTable>) =>
  api<ConversionTable>('/learning/conversion-tables', { method: 'POST', body });
export const listRequirementSets = () => api<{ items: RequirementSet[] }>('/learning/requirement-sets');
export const addRequirementSet = (body: Draft<RequirementSet>) =>
  api<RequirementSet>('/learning/requirement-sets', { method: 'POST', body });
export const listPointsRules = () => api<{ items: PointsRules[] }>('/learning/points-rules');
export const addPointsRules = (body: Draft<PointsRules>) => api<PointsRules>('/learning/points-rules', { method: 'POST', body });
/** Points on or off for an organisation and the nodes below it that set nothing themselves. */
export const setPointsSetting = (organizationId: string, enabled: boolean) =>
  api<{ organizationId: string; enabled: boolean }>(`/organizations/${id(organizationId)}/points-setting`, {
    method: 'PUT',
    body: { enabled },
  });
export const pointsStatistics = (organizationId: string, year?: number) =>
  api<PointsStatistics>(`/organizations/${id(organizationId)}/points`, { query: { year } });

/** Who attended a day of an offline session (each must be enrolled); that day's hours are credited. */
export const recordAttendance = (courseId: string, unitId: string, date: string, memberIds: string[]) =>
  api<{ recorded: number; alreadyRecorded: number }>(`/courses/${id(courseId)}/units/${id(unitId)}/attendance`, {
    method: 'POST',
    body: { date, memberIds },
  });

/** The version in force on `date` (YYYY-MM-DD): the latest taking effect on or before it. */
export function versionOn<T extends RuleVersion>(versions: readonly T[], date: string): T | undefined {
  let found: T | undefined;
  for (const v of versions) if (v.effectiveFrom <= date && (!found || v.effectiveFrom > found.effectiveFrom)) found = v;
  return found;
}
