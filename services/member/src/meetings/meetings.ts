/**
 * Organisation life 三会一课: record and read meetings, per-branch quarterly compliance, and the
 * job that raises one behind-schedule warning per branch and quarter.
 */
import { authorize, visible, type Caller } from '@repo/access';
import { isCalendarDate, isQuarter, lastDayOfMonth, monthOf, monthsOfQuarter, provinceDate, quarterOf, shiftMonth } from '@repo/calendar';
import type { Page } from '@repo/db';
import { DomainError, failedPrecondition, invalidArgument, notFound, validationFailed, type FieldViolation } from '@repo/errors';
import type { Job } from '@repo/kit';
import {
  complianceForQuarter,
  meetingTypes,
  validateMeeting,
  type Attendance,
  type MeetingType,
  type QuarterCompliance,
} from '../domain/meetings';
import { branchLevelKinds, type Organization } from '../domain/organization';
import { meetingEvents } from '../events/types';
import { subtreeOf, visibleOrganization } from '../organizations/scope';
import type { MemberStores } from '../store';
import type { Meeting, MeetingFact } from '../store/meetings';
import type { OrganizationRepository } from '../store/organizations';

export type { Meeting };

const meetingNotFound = (id: string) => () => notFound('MEETING_NOT_FOUND', `meeting ${id} not found`, { id });

export interface MeetingInput {
  organizationId: string;
  type: MeetingType;
  date: string;
  topic: string;
  minutes: string;
  attendance: Attendance;
}

export interface BranchComplianceResult {
  branch: Organization;
  hasGroups: boolean;
  compliance: QuarterCompliance;
}

/** The domain names the holder `orgId`; callers know it as organizationId. */
function asRequestFields(err: unknown): unknown {
  if (!(err instanceof DomainError) || err.code !== 'VALIDATION_FAILED') return err;
  const violations: FieldViolation[] = Object.entries(err.details).map(([field, problem]) => ({
    field: field === 'orgId' ? 'organizationId' : field,
    problem,
  }));
  return validationFailed(violations);
}

/**
 * Where a meeting of `type` is held, and the branch whose members attend: a group meeting by a
 * group 党小组 (its members are recorded at the parent branch), the others by a branch.
 */
async function holderOf(organizations: OrganizationRepository, org: Organization, type: MeetingType): Promise<Organization> {
  if (type === 'groupMeeting') {
    if (org.kind !== 'group') {
      throw failedPrecondition('MEETING_ORG_KIND', `a groupMeeting is held by a party group 党小组, and ${org.name} is a ${org.kind}`, {
        field: 'organizationId',
        kind: org.kind,
        type,
      });
    }
    const branch = await organizations.find(org.parentId);
    if (!branch)
      throw failedPrecondition('MEETING_ORG_KIND', `party group ${org.name} has no branch above it`, {
        field: 'organizationId',
        kind: org.kind,
        type,
      });
    return branch;
  }
  if (!branchLevelKinds.includes(org.kind)) {
    throw failedPrecondition('MEETING_ORG_KIND', `a ${type} is held by a branch 党支部, and ${org.name} is a ${org.kind}`, {
      field: 'organizationId',
      kind: org.kind,
      type,
    });
  }
  return org;
}

/** The parent path of a node's path: /a/b/c/ -> /a/b/ */
function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/', path.length - 2) + 1);
}

/**
 * Compliance of every branch at or below `root` for `quarter` as of `asOf`: two queries (the
 * subtree's branches and groups, and the subtree's meetings of the quarter), then pure rules.
 * A group's meetings count for the branch it sits under.
 */
export async function subtreeCompliance(
  { organizations, meetings }: Pick<MemberStores, 'organizations' | 'meetings'>,
  root: string,
  quarter: string,
  asOf: string,
): Promise<BranchComplianceResult[]> {
  const months = monthsOfQuarter(quarter);
  const [nodes, facts] = await Promise.all([
    organizations.subtree(root, [...branchLevelKinds, 'group']),
    meetings.facts(root, `${months[0]}-01`, lastDayOfMonth(months[2])),
  ]);
  const branches = nodes.filter((n) => branchLevelKinds.includes(n.kind));
  const byPath = new Map(branches.map((b) => [b.path, b]));
  const withGroups = new Set(nodes.filter((n) => n.kind === 'group').map((g) => g.parentId));
  const held = new Map<string, MeetingFact[]>(branches.map((b) => [b.id, []]));
  for (const fact of facts) {
    // A branch's own meetings are at its path; its groups' meetings one level below.
    const branch = fact.type === 'groupMeeting' ? byPath.get(parentPath(fact.orgPath)) : byPath.get(fact.orgPath);
    if (branch) held.get(branch.id)!.push(fact);
  }
  return branches.map((branch) => {
    const hasGroups = withGroups.has(branch.id);
    return { branch, hasGroups, compliance: complianceForQuarter({ meetings: held.get(branch.id)!, quarter, asOf, hasGroups }) };
  });
}

export class Meetings {
  constructor(private readonly stores: Pick<MemberStores, 'meetings' | 'organizations' | 'members'>) {}

  async record(caller: Caller, input: MeetingInput): Promise<Meeting> {
    authorize(caller, 'meeting.write');
    const { organizations, members, meetings } = this.stores;
    let record;
    try {
      record = validateMeeting(
        {
          orgId: input.organizationId,
          type: input.type,
          date: input.date,
          topic: input.topic,
          minutes: input.minutes,
          attendance: input.attendance,
        },
        provinceDate(new Date()),
      );
    } catch (err) {
      throw asRequestFields(err);
    }
    const org = await visibleOrganization(organizations, caller, record.orgId);
    const branch = await holderOf(organizations, org, record.type);

    // Every attendee must be a member of the branch: one query for all of them.
    const listed = (['present', 'excused', 'absent'] as const).flatMap((list) =>
      record.attendance[list].map((id, i) => ({ field: `attendance.${list}[${i}]`, id })),
    );
    const known = await members.recordedAt(
      branch.id,
      listed.map((l) => l.id),
    );
    const unknown = listed.filter((l) => !known.has(l.id));
    if (unknown.length) {
      throw invalidArgument(
        'MEETING_ATTENDEE_UNKNOWN',
        `not members of ${branch.name}: ${unknown.map((u) => u.id).join(', ')}`,
        Object.fromEntries(unknown.map((u) => [u.field, `${u.id} is not a member of ${branch.name}`])),
      );
    }
    return meetings.create({
      organizationId: org.id,
      orgPath: org.path,
      type: record.type,
      date: record.date,
      topic: record.topic,
      minutes: record.minutes,
      attendance: record.attendance,
      recordedBy: caller.userId,
    });
  }

  async get(caller: Caller, id: string): Promise<Meeting> {
    authorize(caller, 'meeting.read');
    return visible(caller, id ? await this.stores.meetings.find(id) : null, (m) => m.orgPath, meetingNotFound(id));
  }

  async list(
    caller: Caller,
    query: { organizationId: string; type?: MeetingType; from: string; to: string },
    page: { page: number; size: number },
  ): Promise<Page<Meeting>> {
    authorize(caller, 'meeting.read');
    const violations: FieldViolation[] = [];
    if (query.from && !isCalendarDate(query.from)) violations.push({ field: 'from', problem: 'must be a calendar date YYYY-MM-DD' });
    if (query.to && !isCalendarDate(query.to)) violations.push({ field: 'to', problem: 'must be a calendar date YYYY-MM-DD' });
    if (!violations.length && query.from && query.to && query.from > query.to)
      violations.push({ field: 'to', problem: 'must not be before from' });
    if (violations.length) throw validationFailed(violations);
    const scope = await subtreeOf(this.stores.organizations, caller, query.organizationId);
    return this.stores.meetings.list(
      {
        scope,
        ...(query.type ? { type: query.type } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      },
      page.page,
      page.size,
    );
  }

  /** Every branch of a subtree against the required frequencies for a quarter (the current one by default). */
  async compliance(
    caller: Caller,
    query: { organizationId: string; quarter: string; behindOnly: boolean },
    page: { page: number; size: number },
  ): Promise<{ quarter: string } & Page<BranchComplianceResult>> {
    authorize(caller, 'meeting.read');
    const asOf = provinceDate(new Date());
    const quarter = query.quarter || quarterOf(asOf);
    if (!isQuarter(quarter)) throw validationFailed([{ field: 'quarter', problem: 'must be a quarter YYYY-Qn, e.g. 2026-Q3' }]);
    const root = await subtreeOf(this.stores.organizations, caller, query.organizationId);
    const all = await subtreeCompliance(this.stores, root, quarter, asOf);
    const listed = query.behindOnly ? all.filter((r) => !r.compliance.compliant) : all;
    return { quarter, items: listed.slice((page.page - 1) * page.size, page.page * page.size), total: listed.length };
  }
}

/** What a behind-schedule warning says: the types behind and by how much. */
function behindTypes(compliance: QuarterCompliance) {
  return meetingTypes
    .filter((type) => !compliance.byType[type].compliant)
    .map((type) => {
      const c = compliance.byType[type];
      return { type, required: c.required, held: c.held, missingMonths: c.missingMonths ?? [] };
    });
}

/**
 * The compliance job. Whether a branch is behind can only change for the worse when a month
 * ends (held meetings only grow between month ends), so the tree is swept once per month, at the
 * first tick in it: the quarter before (now complete) and the running quarter (its ended months).
 */
export function meetingComplianceJob(stores: Pick<MemberStores, 'organizations' | 'meetings'>): Job {
  const { meetings } = stores;
  return {
    name: 'meeting-compliance',
    async run(now) {
      const asOf = provinceDate(now);
      const month = monthOf(asOf);
      if ((await meetings.lastSweptMonth()) === month) return { raised: 0 };
      const current = quarterOf(asOf);
      const previous = quarterOf(`${shiftMonth(monthsOfQuarter(current)[0], -1)}-01`);
      let raised = 0;
      for (const quarter of [previous, current]) {
        const [results, warned] = await Promise.all([subtreeCompliance(stores, '/', quarter, asOf), meetings.warned(quarter)]);
        for (const { branch, compliance } of results) {
          if (compliance.compliant || warned.has(branch.id)) continue;
          const created = await meetings.raiseWarning(
            { branchId: branch.id, orgPath: branch.path, quarter, asOf, raisedAt: now.toISOString() },
            {
              type: meetingEvents.behindSchedule,
              actor: 'system:meeting-compliance',
              orgPath: branch.path,
              subjectId: branch.id,
              data: { organizationId: branch.id, organizationName: branch.name, quarter, asOf, behind: behindTypes(compliance) },
            },
          );
          if (created) raised++;
        }
      }
      await meetings.markSwept(month);
      return { raised };
    },
  };
}
