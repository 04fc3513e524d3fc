/**
 * Notices made from the cases: the monthly table (月报) and typical-case notices (典型问题通报).
 * Draft → reviewed → published. A draft may be made again from the cases as they are now; it is
 * reviewed by someone other than who drafted it, and once published it is public and final.
 */
import { failedPrecondition, permissionDenied } from '@repo/errors';
import type { DisciplineCase } from './discipline-case';
import type { ReportRow } from './monthly-report';
import { decisionText } from './sanctions';

export const noticeKinds = ['monthly', 'typicalCases'] as const;
export type NoticeKind = (typeof noticeKinds)[number];
export const noticeStatuses = ['draft', 'reviewed', 'published'] as const;
export type NoticeStatus = (typeof noticeStatuses)[number];
export const noticeActions = ['refresh', 'review', 'publish'] as const;
export type NoticeAction = (typeof noticeActions)[number];

export interface NoticeStep {
  action: NoticeAction;
  actor: string;
  at: string;
  note: string;
}

export interface Notice {
  id: string;
  kind: NoticeKind;
  status: NoticeStatus;
  organizationId: string;
  orgPath: string;
  title: string;
  month: string;
  rows: ReportRow[];
  caseIds: string[];
  text: string;
  createdBy: string;
  createdAt: string;
  publishedAt: string;
  history: NoticeStep[];
  revision: number;
}

const needs: Record<NoticeAction, NoticeStatus> = { refresh: 'draft', review: 'draft', publish: 'reviewed' };
const leadsTo: Record<NoticeAction, NoticeStatus> = { refresh: 'draft', review: 'reviewed', publish: 'published' };

/** The step, if the notice may take it now: the status it needs, and nobody reviews their own draft. */
export function noticeStep(
  notice: Notice,
  action: NoticeAction,
  actor: string,
  at: string,
  note: string,
): { step: NoticeStep; to: NoticeStatus } {
  if (notice.status !== needs[action]) {
    throw failedPrecondition('NOTICE_WORKFLOW_STEP', `${action} needs a ${needs[action]} notice; this one is ${notice.status}`, {
      id: notice.id,
      status: notice.status,
      needs: needs[action],
    });
  }
  if (action === 'review' && actor === notice.createdBy) {
    throw permissionDenied('NOTICE_SELF_REVIEW', 'a notice is reviewed by someone other than who drafted it', { id: notice.id });
  }
  return { step: { action, actor, at, note }, to: leadsTo[action] };
}

/** 2025-03-18 → 2025年3月18日 */
export function dateInWords(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

const chineseNumerals = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** 1 … 99 as 一 … 九十九 (a notice title's count). */
export function chineseNumber(n: number): string {
  if (n <= 10) return chineseNumerals[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens > 1 ? chineseNumerals[tens] : ''}十${ones ? chineseNumerals[ones] : ''}`;
}

export const typicalCasesLimit = 20;

export function typicalCasesTitle(organizationName: string, count: number): string {
  return `${organizationName}关于${chineseNumber(count)}起违反中央八项规定精神典型问题的通报`;
}

/**
 * A typical-case notice, as such notices read: each case with the organisation, the people's
 * posts and names and what they did, then when and what they were given.
 */
export function typicalCasesText(title: string, cases: { case: DisciplineCase; organizationName: string }[]): string {
  const items = cases.map(({ case: c, organizationName }, i) => {
    const who = c.persons.map((p) => `${p.post}${p.name}`).join('、');
    const decisions = c.persons.map((p) => `${p.name}${p.decision ? decisionText(p.decision) : '的处理尚未作出'}`).join('；');
    return `${i + 1}. ${organizationName}${who}${c.summary}问题。${dateInWords(c.decidedAt)}，${decisions}。`;
  });
  return [`# ${title}`, '', ...items, ''].join('\n');
}
