/** The message board (留言板) and its handling queue (gateway/src/routes/feedback). */
import { api } from './http';
import type { Page } from './member';

export interface Recipient {
  organizationId: string;
  organizationName: string;
  leaderPostId: string;
  leaderPostTitle: string;
}

export interface Reply {
  body: string;
  organizationId: string;
  organizationName: string;
  at: string;
  onTime: boolean;
  workingDays: number;
}

export interface Extension {
  days: number;
  reason: string;
  at: string;
}

export interface PublicStep {
  action: string;
  from: string;
  to: string;
  at: string;
  note: string;
  organizationId: string;
  organizationName: string;
}

export interface PublicMessage {
  id: string;
  type: string;
  domain: string;
  recipient: Recipient;
  subject: string;
  body: string;
  region: string;
  status: string;
  handlingOrganizationName: string;
  submittedAt: string;
  dueOn: string;
  extension: Extension | null;
  reply: Reply | null;
  satisfaction: string;
  overdue: boolean;
  mergedCount: number;
  history: PublicStep[];
}

export interface Rating {
  attitude: number;
  speed: number;
  overall: string;
  comment: string;
  at: string;
}

export interface TrackedMessage {
  message: PublicMessage;
  trackingCode: string;
  returnReason: string;
  returnNote: string;
  rating: Rating | null;
  canRate: boolean;
  mergedInto: PublicMessage | null;
  rectificationDueOn: string;
  rectified: boolean;
}

export interface Catalogue {
  types: { type: string; handlingDays: number }[];
  domains: string[];
  acceptanceDays: number;
  maxHandlingDays: number;
  ratingWindowDays: number;
  rectificationDays: number;
  returnReasons: string[];
  satisfactionLevels: string[];
  yearsCovered: string[];
}

export interface LeaderPost {
  id: string;
  organizationId: string;
  organizationName: string;
  title: string;
  holderName: string;
  active: boolean;
}

export interface RecipientOrganization {
  id: string;
  name: string;
  level: string;
  parentId: string;
  hasChildren: boolean;
  leaderPosts: LeaderPost[];
}

export interface Deadline {
  stage: string;
  dueOn: string;
  dueAt: string;
  warnAt: string;
  warnedAt: string;
  overdueAt: string;
  startedAt: string;
  workingDays: number;
  uncoveredYear: string;
}

export interface StaffMessage extends Omit<PublicMessage, 'dueOn' | 'satisfaction' | 'mergedCount' | 'history'> {
  trackingCode: string;
  contact: string;
  contactName: string;
  handlingOrganizationId: string;
  acceptance: Deadline | null;
  handling: Deadline | null;
  ratingWindow: Deadline | null;
  rating: Rating | null;
  returnReason: string;
  returnNote: string;
  disputeReason: string;
  mergedInto: string;
  mergedMessages: string[];
  rectification: Rectification | null;
  screenHits: string[];
  duplicateCandidates: { messageId: string; similarity: number; submittedAt: string; subject: string }[];
  history: (PublicStep & { actor: string })[];
  revision: number;
  updatedAt: string;
}

/** What an unsatisfied rating opened: a rectification 整改 due by a deadline, then a revisit 回访. */
export interface Rectification {
  deadline: Deadline | null;
  note: string;
  rectifiedAt: string;
  revisit: { result: string; note: string; at: string; actor: string } | null;
}

export interface Draft {
  type: string;
  domain: string;
  organizationId?: string;
  leaderPostId?: string;
  subject: string;
  body: string;
  region: string;
  contact: string;
  contactName?: string;
}

export const messageTypeLabels: Record<string, string> = {
  thanks: '感谢',
  suggestion: '建言',
  help: '求助',
  complaint: '投诉',
  consultation: '咨询',
};

export const messageStatusLabels: Record<string, string> = {
  held: '待审核',
  submitted: '待受理',
  accepted: '已受理',
  returned: '已退回',
  assigned: '已转办',
  disputed: '派单异议',
  replied: '已答复',
  closed: '已办结',
  merged: '已并单',
};

export const satisfactionLabels: Record<string, string> = {
  verySatisfied: '非常满意',
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  dissatisfied: '不满意',
  veryDissatisfied: '非常不满意',
};

export const returnReasonLabels: Record<string, string> = {
  abusive: '含辱骂等不当内容',
  duplicate: '重复留言',
  outsideScope: '不属于受理范围',
  petition: '属信访事项',
  court: '已进入诉讼程序',
};

export const revisitResultLabels: Record<string, string> = {
  resolved: '问题已解决',
  unresolved: '问题未解决',
  unreachable: '联系不上留言人',
};

export const stepActionLabels: Record<string, string> = {
  submit: '提交留言',
  hold: '待审核',
  release: '审核通过',
  accept: '受理',
  return: '退回',
  assign: '转办',
  dispute: '派单异议',
  uphold: '维持派单',
  reassign: '改派',
  reply: '答复',
  extend: '延期',
  merge: '并单',
  rate: '评价',
  close: '办结',
  warn: '督办提醒',
  overdue: '超期',
  rectify: '整改',
  revisit: '回访',
};

export const getCatalogue = () => api<Catalogue>('/message-catalogue', { anonymous: true });

export const listRecipients = (parentId?: string) =>
  api<{ organizations: RecipientOrganization[] }>('/message-recipients', { query: { parentId }, anonymous: true });

export const writeMessage = (draft: Draft) =>
  api<{ trackingCode: string; message: TrackedMessage }>('/messages', { method: 'POST', body: draft, anonymous: true });

export const trackMessage = (trackingCode: string, contact: string) =>
  api<TrackedMessage>('/messages/tracking', { method: 'POST', body: { trackingCode, contact }, anonymous: true });

export const rateReply = (rating: {
  trackingCode: string;
  contact: string;
  attitude: number;
  speed: number;
  overall: string;
  comment?: string;
}) => api<TrackedMessage>('/messages/tracking/rating', { method: 'POST', body: rating, anonymous: true });

export const listPublicMessages = (query: { type?: string; repliedOnly?: boolean; page?: number; size?: number }) =>
  api<Page<PublicMessage>>('/messages', { query, anonymous: true });

export const getPublicMessage = (id: string) => api<PublicMessage>(`/messages/${encodeURIComponent(id)}`, { anonymous: true });

export const listStaffMessages = (query: { status?: string; overdueOnly?: boolean; page?: number; size?: number }) =>
  api<Page<StaffMessage>>('/feedback/messages', { query });

export const getStaffMessage = (id: string) => api<StaffMessage>(`/feedback/messages/${encodeURIComponent(id)}`);

export type StepName =
  | 'release'
  | 'accept'
  | 'return'
  | 'assign'
  | 'dispute'
  | 'answer-dispute'
  | 'reply'
  | 'extend'
  | 'merge'
  | 'rectify'
  | 'revisit';

export const takeStep = (id: string, step: StepName, body: Record<string, string | number>) =>
  api<StaffMessage>(`/feedback/messages/${encodeURIComponent(id)}/${step}`, { method: 'POST', body });

/** The deadline a message runs against now: acceptance before it is accepted, then handling. */
export function currentDeadline(message: StaffMessage): Deadline | null {
  if (['held', 'submitted'].includes(message.status)) return message.acceptance;
  if (['accepted', 'assigned', 'disputed'].includes(message.status)) return message.handling;
  return null;
}

export type Urgency = 'ok' | 'near' | 'overdue' | 'none';

/**
 * How near a deadline is, by the service's own working-day milestones: past its warning point
 * (a share of the working time, when the parent organisation is told) it is near, past its last
 * working day it is overdue. The portal does not count working days itself: the service holds
 * the holiday calendar.
 */
export function urgencyOf(deadline: Deadline | null, now = Date.now()): Urgency {
  if (!deadline || !deadline.dueAt) return 'none';
  if (deadline.overdueAt || Date.parse(deadline.dueAt) <= now) return 'overdue';
  if ((deadline.warnAt && Date.parse(deadline.warnAt) <= now) || deadline.warnedAt) return 'near';
  return 'ok';
}

export const urgencyLabels: Record<Urgency, string> = { ok: '正常', near: '临期', overdue: '已超期', none: '—' };

export const createLeaderPost = (body: { organizationId: string; title: string; holderName?: string }) =>
  api<LeaderPost>('/feedback/leader-posts', { method: 'POST', body });

export const retireLeaderPost = (id: string) =>
  api<LeaderPost>(`/feedback/leader-posts/${encodeURIComponent(id)}/retire`, { method: 'POST' });

/** The figures of one row of the statistics (an organisation, a level, a leader post, the total). */
export interface Figures {
  submitted: number;
  received: number;
  returned: number;
  merged: number;
  replied: number;
  replyRate: number;
  repliedOnTime: number;
  overdue: number;
  onTimeRate: number;
  handlingDaysP50: number;
  handlingDaysP90: number;
  ratings: number;
  satisfaction: number;
  attitudeStars: number;
  speedStars: number;
  unsatisfied: number;
  revisited: number;
  revisitRate: number;
}

export interface Statistics {
  organizationId: string;
  organizationName: string;
  from: string;
  to: string;
  total: Figures;
  levels: { level: string; figures: Figures }[];
  organizations: { organizationId: string; organizationName: string; level: string; figures: Figures }[];
  organizationsTotal: number;
  leaderPosts: { leaderPostId: string; title: string; organizationName: string; figures: Figures }[];
  computedThrough: string;
}

export const getStatistics = (query: { organizationId?: string; from: string; to: string; organizationRows?: number }) =>
  api<Statistics>('/feedback/statistics', { query });

/** A rate (0 to 1) as a percentage with one decimal; a dash when nothing was counted. */
export const percent = (rate: number, counted = 1) => (counted ? `${(rate * 100).toFixed(1)}%` : '—');
