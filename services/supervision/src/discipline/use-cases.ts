/**
 * Discipline cases and the notices made from them: where the rules of domain/ (cases, sanctions,
 * the monthly table, the notice workflow) meet the stores. Cases are for inspectors within their
 * scope; published notices are for everyone.
 */
import { authorize, can, inCallerScope, inScope, isAnonymous, scopeOf, visible, type Caller } from '@repo/access';
import { isYearMonth, provinceDate, provinceMonth, shiftMonth } from '@repo/calendar';
import type { Page } from '@repo/db';
import { notFound, validationFailed } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { decide, validateNewCase, type CaseStatus, type DecisionInput, type DisciplineCase, type NewCase } from '../domain/discipline-case';
import { monthlyReport, renderMonthlyReport } from '../domain/monthly-report';
import {
  noticeStep,
  typicalCasesLimit,
  typicalCasesText,
  typicalCasesTitle,
  type Notice,
  type NoticeAction,
  type NoticeKind,
  type NoticeStatus,
} from '../domain/notice';
import { coversDate, type InfluencePeriod, type ViolationCategory } from '../domain/sanctions';
import type { CaseRepository } from '../store/cases';
import type { NoticeContent, NoticeRepository } from '../store/notices';
import type { KnownOrganization, OrganizationDirectory } from '../store/organizations';

export const casePaging = { defaultSize: 20, maxSize: 100 } as const;

const today = () => provinceDate(new Date());
const caseMissing = (id: string) => () => notFound('CASE_NOT_FOUND', `case ${id} not found`, { id });
const noticeMissing = (id: string) => notFound('NOTICE_NOT_FOUND', `notice ${id} not found`, { id });
const organizationMissing = (id: string) => notFound('ORGANIZATION_NOT_FOUND', `organisation ${id} not found`, { organizationId: id });

export interface CaseQuery {
  organizationId?: string;
  status?: CaseStatus;
  category?: ViolationCategory;
  memberId?: string;
  decidedIn?: string;
  page: number;
  size: number;
}

export interface MemberInfluence {
  caseId: string;
  caseNumber: string;
  period: InfluencePeriod;
}

export class DisciplineUseCases {
  constructor(
    private readonly cases: CaseRepository,
    private readonly notices: NoticeRepository,
    private readonly organizations: OrganizationDirectory,
  ) {}

  /** A known organisation in the caller's scope; any other answers not found. */
  private async organizationFor(caller: Caller, id: string): Promise<KnownOrganization> {
    const organization = id ? await this.organizations.get(id) : undefined;
    if (!organization || !inCallerScope(caller, organization.path)) throw organizationMissing(id);
    return organization;
  }

  async createCase(caller: Caller, input: NewCase): Promise<DisciplineCase> {
    authorize(caller, 'case.write');
    const valid = validateNewCase(input, today());
    const organization = await this.organizationFor(caller, valid.organizationId);
    return this.cases.create({
      number: valid.number.trim(),
      organizationId: organization.id,
      orgPath: organization.path,
      category: valid.category,
      summary: valid.summary.trim(),
      foundAt: valid.foundAt,
      persons: valid.persons.map((p) => ({
        name: p.name.trim(),
        memberId: p.memberId,
        post: p.post.trim(),
        level: p.level,
        influence: [],
      })),
      createdBy: caller.userId,
    });
  }

  async getCase(caller: Caller, id: string): Promise<DisciplineCase> {
    authorize(caller, 'case.read');
    return visible(caller, await this.cases.get(id), (c) => c.orgPath, caseMissing(id));
  }

  async listCases(caller: Caller, query: CaseQuery): Promise<Page<DisciplineCase>> {
    authorize(caller, 'case.read');
    if (query.decidedIn && !isYearMonth(query.decidedIn))
      throw validationFailed([{ field: 'decidedIn', problem: 'must be a month YYYY-MM' }]);
    const scope = query.organizationId ? (await this.organizationFor(caller, query.organizationId)).path : scopeOf(caller);
    return this.cases.list(
      {
        scope,
        ...(query.status ? { status: query.status } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.memberId ? { memberId: query.memberId } : {}),
        ...(query.decidedIn ? { decidedIn: query.decidedIn } : {}),
      },
      query.page,
      query.size,
    );
  }

  async decideCase(caller: Caller, id: string, input: DecisionInput, expectedRevision: number): Promise<DisciplineCase> {
    authorize(caller, 'case.write');
    const current = visible(caller, await this.cases.get(id), (c) => c.orgPath, caseMissing(id));
    assertRevision(expectedRevision, current, 'case');
    return this.cases.saveDecision(current, decide(current, input, today()), caller.userId);
  }

  /**
   * The member's influence periods covering `on`: what the rules ask before a stage change, and
   * what a cadre's portrait shows. Internal callers (the warning rules) pass no caller.
   */
  async influenceOn(memberId: string, on: string, caller?: Caller): Promise<MemberInfluence[]> {
    if (caller) authorize(caller, 'case.read');
    const found: MemberInfluence[] = [];
    for (const c of await this.cases.ofMember(memberId)) {
      if (c.status !== 'decided' || (caller && !inCallerScope(caller, c.orgPath))) continue;
      for (const person of c.persons) {
        if (person.memberId !== memberId) continue;
        for (const period of person.influence) if (coversDate(period, on)) found.push({ caseId: c.id, caseNumber: c.number, period });
      }
    }
    return found;
  }

  async createNotice(
    caller: Caller,
    input: { kind: NoticeKind; organizationId: string; month: string; caseIds: string[]; title: string },
  ): Promise<Notice> {
    authorize(caller, 'notice.write');
    const organization = await this.organizationFor(caller, input.organizationId);
    const content = await this.noticeContent(caller, organization, input.kind, input);
    return this.notices.create({
      kind: input.kind,
      organizationId: organization.id,
      orgPath: organization.path,
      createdBy: caller.userId,
      ...content,
    });
  }

  private async noticeContent(
    caller: Caller,
    organization: KnownOrganization,
    kind: NoticeKind,
    input: { month: string; caseIds: string[]; title: string },
  ): Promise<NoticeContent> {
    if (kind === 'monthly') {
      if (!isYearMonth(input.month)) throw validationFailed([{ field: 'month', problem: 'must be a month YYYY-MM' }]);
      if (input.month > provinceMonth(new Date())) throw validationFailed([{ field: 'month', problem: 'cannot be in the future' }]);
      const months = Array.from({ length: Number(input.month.slice(5, 7)) }, (_, i) => shiftMonth(`${input.month.slice(0, 4)}-01`, i));
      const report = monthlyReport(await this.cases.decidedIn(organization.path, months), input.month, organization.name);
      return { title: report.title, month: input.month, rows: report.rows, caseIds: [], text: renderMonthlyReport(report) };
    }
    const ids = [...new Set(input.caseIds)];
    if (ids.length === 0 || ids.length > typicalCasesLimit)
      throw validationFailed([{ field: 'caseIds', problem: `must name 1 to ${typicalCasesLimit} cases` }]);
    const chosen = [];
    for (const [i, id] of ids.entries()) {
      const found = await this.cases.get(id);
      if (!found || !inCallerScope(caller, found.orgPath) || !inScope(organization.path, found.orgPath)) {
        throw validationFailed([{ field: `caseIds[${i}]`, problem: `no case ${id} of ${organization.name}` }]);
      }
      if (found.status !== 'decided')
        throw validationFailed([{ field: `caseIds[${i}]`, problem: `case ${found.number} is not decided yet` }]);
      chosen.push({ case: found, organizationName: (await this.organizations.get(found.organizationId))?.name ?? '' });
    }
    chosen.sort((a, b) => (a.case.decidedAt < b.case.decidedAt ? -1 : a.case.decidedAt > b.case.decidedAt ? 1 : 0));
    const title = input.title.trim() || typicalCasesTitle(organization.name, chosen.length);
    if (title.length > 200) throw validationFailed([{ field: 'title', problem: 'at most 200 characters' }]);
    return { title, month: '', rows: [], caseIds: chosen.map((c) => c.case.id), text: typicalCasesText(title, chosen) };
  }

  /** Published notices are public; drafts and reviewed ones are for their writers in scope. */
  private mayReadUnpublished(caller: Caller, notice: Pick<Notice, 'orgPath'>): boolean {
    return !isAnonymous(caller) && can(caller.roles, 'notice.write') && inCallerScope(caller, notice.orgPath);
  }

  async getNotice(caller: Caller, id: string): Promise<Notice> {
    authorize(caller, 'notice.read');
    const notice = await this.notices.get(id).catch(() => undefined);
    if (!notice || (notice.status !== 'published' && !this.mayReadUnpublished(caller, notice))) throw noticeMissing(id);
    return notice;
  }

  async listNotices(
    caller: Caller,
    query: { kind?: NoticeKind; status?: NoticeStatus; organizationId?: string; page: number; size: number },
  ): Promise<Page<Notice>> {
    authorize(caller, 'notice.read');
    const writer = !isAnonymous(caller) && can(caller.roles, 'notice.write');
    let under: string | undefined;
    if (query.organizationId) {
      const organization = await this.organizations.get(query.organizationId);
      if (!organization) throw organizationMissing(query.organizationId);
      under = organization.path;
    }
    // The public and readers see published notices only.
    if (!writer && query.status && query.status !== 'published') return { items: [], total: 0 };
    return this.notices.list(
      {
        ...(query.kind ? { kind: query.kind } : {}),
        status: writer ? query.status : 'published',
        scope: writer ? scopeOf(caller) : '/-none-/',
        ...(under ? { under } : {}),
      },
      query.page,
      query.size,
    );
  }

  async transitionNotice(caller: Caller, id: string, action: NoticeAction, note: string): Promise<Notice> {
    authorize(caller, action === 'publish' ? 'notice.publish' : action === 'review' ? 'notice.review' : 'notice.write');
    const current = await this.notices.get(id).catch(() => undefined);
    if (!current || !inCallerScope(caller, current.orgPath)) throw noticeMissing(id);
    if (note.length > 500) throw validationFailed([{ field: 'note', problem: 'at most 500 characters' }]);
    const { step, to } = noticeStep(current, action, caller.userId, new Date().toISOString(), note);
    let content: NoticeContent | undefined;
    if (action === 'refresh') {
      const organization = await this.organizationFor(caller, current.organizationId);
      content = await this.noticeContent(caller, organization, current.kind, {
        month: current.month,
        caseIds: current.caseIds,
        title: current.kind === 'typicalCases' ? current.title : '',
      });
    }
    return this.notices.saveStep(current, step, to, content);
  }
}
