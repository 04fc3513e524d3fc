/** Discipline notices, power lists, the audit log, cases and early warnings (gateway/src/routes/supervision). */
import { api } from './http';
import type { Page } from './member';

export interface ReportCounts {
  problems: number;
  people: number;
  sanctioned: number;
}

export interface Notice {
  id: string;
  kind: 'monthly' | 'typicalCases' | string;
  status: 'draft' | 'reviewed' | 'published' | string;
  organizationId: string;
  title: string;
  month: string;
  rows: { key: string; label: string; month: ReportCounts; yearToDate: ReportCounts }[];
  caseIds: string[];
  text: string;
  createdBy: string;
  createdAt: string;
  publishedAt: string;
  history: { action: string; actor: string; at: string; note: string }[];
  revision: number;
}

export interface PowerItem {
  id: string;
  organizationId: string;
  post: string;
  version: number;
  status: string;
  content: {
    name: string;
    kind: string;
    responsibleBody: string;
    basis: { document: string; article: string }[];
    process: { name: string; actor: string; timeLimitDays: number }[];
    publicity: { content: string; channel: string; timing: string };
    accountability: string;
  };
  publishedAt: string;
  publishedVersion: number;
  versions: { version: number; status: string; publishedAt: string }[];
  revision: number;
}

export type PowerContent = PowerItem['content'];

export interface PowerExecution {
  id: string;
  itemId: string;
  version: number;
  organizationId: string;
  title: string;
  startedAt: string;
  status: 'inProgress' | 'completed' | string;
  steps: {
    index: number;
    name: string;
    expectedActor: string;
    actor: string;
    date: string;
    note: string;
    workingDays: number;
    timeLimitDays: number;
    byExpectedActor: boolean;
    withinLimit: 'yes' | 'no' | 'unknown' | string;
  }[];
  process: { name: string; actor: string; timeLimitDays: number }[];
  revision: number;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: string;
  note: string;
  signedAt: string;
  witnessed: boolean;
}

export interface AuditEntry {
  index: number;
  eventId: string;
  type: string;
  actor: string;
  subjectId: string;
  orgPath: string;
  occurredAt: string;
  loggedAt: string;
  data: unknown;
  leafHash: string;
}

export interface DisciplineCase {
  id: string;
  number: string;
  organizationId: string;
  category: string;
  summary: string;
  foundAt: string;
  decidedAt: string;
  status: 'open' | 'decided' | string;
  persons: { name: string; post: string; level: string; decision?: CaseDecision; influence: Influence[] }[];
  revision: number;
}

/** What one person of a case got: a handling that is no sanction, and/or party and government sanctions. */
export interface CaseDecision {
  treatment?: string;
  partySanction?: string;
  probationYears?: number;
  governmentSanction?: string;
}

/** An influence period 影响期 a sanction carries. */
export interface Influence {
  sanction: string;
  kind: string;
  name: string;
  from: string;
  until: string;
  effect: string;
}

export interface NewCase {
  number: string;
  organizationId: string;
  category: string;
  summary: string;
  foundAt: string;
  persons: { name: string; post?: string; level: string }[];
}

export interface Warning {
  id: string;
  ruleId: string;
  title: string;
  basis: string;
  severity: string;
  subjectId: string;
  period: string;
  status: 'open' | 'assigned' | 'acknowledged' | 'closed' | string;
  assignee: string;
  raisedAt: string;
  revision: number;
}

export const noticeKindLabels: Record<string, string> = { monthly: '月度通报', typicalCases: '典型问题通报' };
export const noticeStatusLabels: Record<string, string> = { draft: '草稿', reviewed: '已审核', published: '已发布' };
export const powerKindLabels: Record<string, string> = { publicPower: '公共权力事项', publicService: '便民服务事项' };
export const caseStatusLabels: Record<string, string> = { open: '办理中', decided: '已处理' };
export const warningStatusLabels: Record<string, string> = { open: '待分派', assigned: '已分派', acknowledged: '已签收', closed: '已办结' };
export const severityLabels: Record<string, string> = { notice: '提醒', warning: '预警', serious: '严重' };
export const officialLevelLabels: Record<string, string> = {
  provincialMinisterial: '省部级',
  prefectureBureau: '地厅级',
  countyDivision: '县处级',
  townshipAndBelow: '乡科级及以下',
};
export const treatmentLabels: Record<string, string> = {
  criticismEducation: '批评教育',
  admonishment: '诫勉',
  organizationalHandling: '组织处理',
};
export const partySanctionLabels: Record<string, string> = {
  warning: '党内警告',
  seriousWarning: '党内严重警告',
  removalFromPartyPost: '撤销党内职务',
  probation: '留党察看',
  expulsion: '开除党籍',
};
export const governmentSanctionLabels: Record<string, string> = {
  governmentWarning: '政务警告',
  demerit: '记过',
  majorDemerit: '记大过',
  demotion: '降级',
  dismissal: '撤职',
  discharge: '开除',
};
export const categoryLabels: Record<string, string> = {
  decisionImplementation: '贯彻党中央重大决策部署有令不行、有禁不止',
  servingThePeople: '在履职尽责、服务经济社会发展和生态环境保护方面不担当、不作为、乱作为、假作为',
  dutyPerformance: '在联系服务群众中消极应付、冷硬横推、效率低下',
  studyWritingMeetingsInspections: '文山会海反弹回潮，督查检查考核过多过频、过度留痕',
  giftsAndMoney: '违规收送名贵特产和礼品礼金',
  banqueting: '违规吃喝',
  allowancesAndBenefits: '违规发放津补贴或福利',
  weddingsAndFunerals: '违规操办婚丧喜庆',
  publicFundedTravel: '公款旅游以及违规接受管理和服务对象等旅游活动安排',
  officialCars: '违规配备使用公务用车',
  officeBuildings: '楼堂馆所违规问题',
  otherHedonism: '其他享乐主义、奢靡之风问题',
};

const id = encodeURIComponent;

export const listNotices = (query: { kind?: string; status?: string; page?: number; size?: number }) =>
  api<Page<Notice>>('/notices', { query });
export const getNotice = (noticeId: string) => api<Notice>(`/notices/${id(noticeId)}`);
export const createNotice = (body: { kind: string; organizationId: string; month?: string; caseIds?: string[]; title?: string }) =>
  api<Notice>('/notices', { method: 'POST', body });
export const stepNotice = (noticeId: string, action: 'refresh' | 'review' | 'publish', note?: string) =>
  api<Notice>(`/notices/${id(noticeId)}/${action}`, { method: 'POST', body: note ? { note } : {} });

export const listPowerItems = (query: { kind?: string; page?: number; size?: number }) =>
  api<Page<PowerItem>>('/power-items', { query, anonymous: true });
/** Items of one's scope as staff: drafts of those who write them, too. */
export const listScopedPowerItems = (query: { organizationId?: string; page?: number; size?: number }) =>
  api<Page<PowerItem>>('/power-items', { query });
export const draftPowerItem = (body: { organizationId: string; post?: string; content: PowerContent }) =>
  api<PowerItem>('/power-items', { method: 'POST', body });
/** A new version of a published item: a draft copied from the version in force. */
export const draftPowerItemVersion = (itemId: string) => api<PowerItem>(`/power-items/${id(itemId)}/versions`, { method: 'POST' });
export const getPowerItemVersion = (itemId: string, version: number) => api<PowerItem>(`/power-items/${id(itemId)}/versions/${version}`);
export const updatePowerItemDraft = (itemId: string, content: PowerContent, expectedRevision: number) =>
  api<PowerItem>(`/power-items/${id(itemId)}`, { method: 'PATCH', body: { ...content, expectedRevision } });
export const publishPowerItem = (itemId: string, expectedRevision: number) =>
  api<PowerItem>(`/power-items/${id(itemId)}/publish`, { method: 'POST', body: { expectedRevision } });
export const startExecution = (itemId: string, body: { title: string; startedAt: string }) =>
  api<PowerExecution>(`/power-items/${id(itemId)}/executions`, { method: 'POST', body });
export const listExecutions = (query: { itemId?: string; status?: string; page?: number; size?: number }) =>
  api<Page<PowerExecution>>('/power-executions', { query });
export const recordExecutionStep = (executionId: string, body: { actor: string; date: string; note?: string; expectedRevision: number }) =>
  api<PowerExecution>(`/power-executions/${id(executionId)}/steps`, { method: 'POST', body });
export const getPowerItem = (itemId: string) => api<PowerItem>(`/power-items/${id(itemId)}`, { anonymous: true });

export const getCheckpoint = (witnessed = false) =>
  api<{ checkpoint: Checkpoint; logKey: string; witnessKey: string }>('/audit/checkpoint', { query: { witnessed } });
export const listAuditEntries = (query: { type?: string; actor?: string; subjectId?: string; pageToken?: string; pageSize?: number }) =>
  api<{ entries: AuditEntry[]; nextPageToken: string; logSize: number }>('/audit/entries', { query });
export const consistencyProof = (from: number, to: number) =>
  api<{ from: number; to: number; hashes: string[] }>('/audit/proofs/consistency', { query: { from, to } });

export const listCases = (query: { status?: string; page?: number; size?: number }) => api<Page<DisciplineCase>>('/cases', { query });

export const createCase = (body: NewCase) => api<DisciplineCase>('/cases', { method: 'POST', body });
export const decideCase = (caseId: string, body: { decidedAt: string; decisions: CaseDecision[]; expectedRevision: number }) =>
  api<DisciplineCase>(`/cases/${id(caseId)}/decision`, { method: 'POST', body });

export const listWarnings = (query: { status?: string; page?: number; size?: number }) => api<Page<Warning>>('/warnings', { query });
export const stepWarning = (warningId: string, action: 'assign' | 'acknowledge' | 'close', body: Record<string, string | number>) =>
  api<Warning>(`/warnings/${id(warningId)}/${action}`, { method: 'POST', body });

export interface WarningCounts {
  open: number;
  assigned: number;
  acknowledged: number;
  closed: number;
  total: number;
}

/** Warnings counted by rule and status, and by organisation, within the caller's scope. */
export interface WarningStatistics {
  total: WarningCounts;
  byRule: { ruleId: string; title: string; counts: WarningCounts }[];
  byOrganization: { orgPath: string; counts: WarningCounts }[];
}

export const warningStatistics = (query: { orgPath?: string } = {}) => api<WarningStatistics>('/warnings/statistics', { query });
