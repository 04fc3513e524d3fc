/**
 * Organisation life 三会一课: record and read meetings, per-branch quarterly compliance, and the
 * job that raises one behind-schedule warning per branch and quarter.
 */
import type { Caller } from '@repo/access';
import { DomainError, failedPrecondition, invalidArgument, notFound, validationFailed, type FieldViolation } from '@repo/errors';
import { pageOf, unary } from '@repo/grpc';
import { MeetingServiceService, type MeetingServiceServer } from '@repo/proto/member/v1';
import type * as pb from '@repo/proto/member/v1';
import type { ModuleContext, ServiceModule } from '../app';
import { isCalendarDate, lastDayOfMonth, monthOf, provinceDate, shiftMonth } from '@repo/calendar';
import {
  complianceForQuarter,
  isQuarter,
  meetingTypes,
  monthsOfQuarter,
  quarterOf,
  validateMeeting,
  type MeetingType,
  type QuarterCompliance,
} from '../domain/meetings';
import { branchLevelKinds, type Organization } from '../domain/organization';
import type { Job } from '../jobs';
import { MeetingRepository, type Meeting, type MeetingFact } from '../store/meetings';
import type { OrganizationRepository } from '../store/organizations';
import { assertInScope, authorize, paging, scopeOf } from './context';
import { visibleOrganization } from './organizations';
import { meetingEvents } from '../events/types';

/** The service's calendar date (UTC, as elsewhere in the member service). */
const meetingNotFound = (id: string) => () => notFound('MEETING_NOT_FOUND', `meeting ${id} not found`, { id });

export function toProtoMeeting(meeting: Meeting): pb.Meeting {
  return {
    id: meeting.id,
    organizationId: meeting.organizationId,
    orgPath: meeting.orgPath,
    type: meeting.type,
    date: meeting.date,
    topic: meeting.topic,
    minutes: meeting.minutes,
    attendance: { present: meeting.attendance.present, excused: meeting.attendance.excused, absent: meeting.attendance.absent },
    recordedBy: meeting.recordedBy,
    createdAt: meeting.createdAt,
  };
}

/** The domain names the holder `orgId`; callers know it as organizationId. */
function asRequestFields(err: unknown): unknown {
  if (!(err instanceof DomainError) || err.code !== 'VALIDATION_FAILED') return err;
  const violations: FieldViolation[] = Object.entries(err.details).map(([field, problem]) => ({ field: field === 'orgId' ? 'organizationId' : field, problem }));
  return validationFailed(violations);
}

/**
 * Where a meeting of `type` is held, and the branch whose members attend: a group meeting by a
 * group 党小组 (its members are recorded at the parent branch), the others by a branch.
 */
async function holderOf(organizations: OrganizationRepository, org: Organization, type: MeetingType): Promise<Organization> {
  if (type === 'groupMeeting') {
    if (org.kind !== 'group') {
      throw failedPrecondition('MEETING_ORG_KIND', `a groupMeeting is held by a party group 党小组, and ${org.name} is a ${org.kind}`, { field: 'organizationId', kind: org.kind, type });
    }
    const branch = await organizations.find(org.parentId);
    if (!branch) throw failedPrecondition('MEETING_ORG_KIND', `party group ${org.name} has no branch above it`, { field: 'organizationId', kind: org.kind, type });
    return branch;
  }
  if (!branchLevelKinds.includes(org.kind)) {
    throw failedPrecondition('MEETING_ORG_KIND', `a ${type} is held by a branch 党支部, and ${org.name} is a ${org.kind}`, { field: 'organizationId', kind: org.kind, type });
  }
  return org;
}

export interface BranchComplianceResult {
  branch: Organization;
  hasGroups: boolean;
  compliance: QuarterCompliance;
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
  organizations: OrganizationRepository,
  meetings: MeetingRepository,
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

function toProtoBranch({ branch, compliance }: BranchComplianceResult): pb.BranchCompliance {
  return {
    organizationId: branch.id,
    organizationName: branch.name,
    compliant: compliance.compliant,
    // Group meetings are left out for a branch without groups: they do not apply to it.
    types: meetingTypes
      .filter((type) => compliance.byType[type].applicable)
      .map((type) => {
        const c = compliance.byType[type];
        return { type, required: c.required, held: c.held, compliant: c.compliant, missingMonths: c.missingMonths ?? [] };
      }),
  };
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
export function meetingComplianceJob(organizations: OrganizationRepository, meetings: MeetingRepository): Job {
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
        const [results, warned] = await Promise.all([subtreeCompliance(organizations, meetings, '/', quarter, asOf), meetings.warned(quarter)]);
        for (const { branch, compliance } of results) {
          if (compliance.compliant || warned.has(branch.id)) continue;
          const behind = behindTypes(compliance);
          const created = await meetings.raiseWarning(
            { branchId: branch.id, orgPath: branch.path, quarter, asOf, raisedAt: now.toISOString() },
            {
              type: meetingEvents.behindSchedule,
              actor: 'system:meeting-compliance',
              orgPath: branch.path,
              subjectId: branch.id,
              data: { organizationId: branch.id, organizationName: branch.name, quarter, asOf, behind },
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

export function meetingModule(ctx: ModuleContext): ServiceModule {
  const { organizations, members, logger } = ctx;
  const wiring = ctx.relays.for('meetings');
  const warningWiring = ctx.relays.for('meetingWarnings');
  const meetings = new MeetingRepository(ctx.connection, wiring.onWrite, wiring.locks, warningWiring);
  wiring.attach(meetings.store);
  warningWiring.attach(meetings.warnings);
  organizations.addPathRewriter(meetings.rewritePaths);

  async function visibleMeeting(caller: Caller, id: string): Promise<Meeting> {
    const meeting = id ? await meetings.find(id) : null;
    if (!meeting) throw meetingNotFound(id)();
    assertInScope(caller, meeting.orgPath, meetingNotFound(id));
    return meeting;
  }

  /** The subtree a read is about: a visible node, or the caller's whole scope. */
  async function scopeFor(caller: Caller, organizationId: string): Promise<string> {
    return organizationId ? (await visibleOrganization(organizations, caller, organizationId)).path : scopeOf(caller);
  }

  const implementation: MeetingServiceServer = {
    recordMeeting: unary(logger, async (request: pb.RecordMeetingRequest, context) => {
      const caller = authorize(context, 'meeting.write');
      let record;
      try {
        record = validateMeeting(
          {
            orgId: request.organizationId,
            type: request.type as MeetingType,
            date: request.date,
            topic: request.topic,
            minutes: request.minutes,
            attendance: { present: request.attendance?.present ?? [], excused: request.attendance?.excused ?? [], absent: request.attendance?.absent ?? [] },
          },
          provinceDate(new Date()),
        );
      } catch (err) {
        throw asRequestFields(err);
      }
      const org = await visibleOrganization(organizations, caller, record.orgId);
      const branch = await holderOf(organizations, org, record.type);

      // Every attendee must be a member of the branch: one query for all of them.
      const listed = (['present', 'excused', 'absent'] as const).flatMap((list) => record.attendance[list].map((id, i) => ({ field: `attendance.${list}[${i}]`, id })));
      const known = await MeetingRepository.membersAt(members, branch.id, listed.map((l) => l.id));
      const unknown = listed.filter((l) => !known.has(l.id));
      if (unknown.length) {
        throw invalidArgument(
          'MEETING_ATTENDEE_UNKNOWN',
          `not members of ${branch.name}: ${unknown.map((u) => u.id).join(', ')}`,
          Object.fromEntries(unknown.map((u) => [u.field, `${u.id} is not a member of ${branch.name}`])),
        );
      }

      const meeting = await meetings.create({
        organizationId: org.id,
        orgPath: org.path,
        type: record.type,
        date: record.date,
        topic: record.topic,
        minutes: record.minutes,
        attendance: record.attendance,
        recordedBy: caller.userId,
      });
      return { meeting: toProtoMeeting(meeting) };
    }),

    getMeeting: unary(logger, async (request: pb.GetMeetingRequest, context) => {
      const caller = authorize(context, 'meeting.read');
      return { meeting: toProtoMeeting(await visibleMeeting(caller, request.id)) };
    }),

    listMeetings: unary(logger, async (request: pb.ListMeetingsRequest, context) => {
      const caller = authorize(context, 'meeting.read');
      const { page, size } = pageOf(request, paging);
      const violations: FieldViolation[] = [];
      if (request.type && !(meetingTypes as readonly string[]).includes(request.type)) violations.push({ field: 'type', problem: `must be one of ${meetingTypes.join(', ')}` });
      if (request.from && !isCalendarDate(request.from)) violations.push({ field: 'from', problem: 'must be a calendar date YYYY-MM-DD' });
      if (request.to && !isCalendarDate(request.to)) violations.push({ field: 'to', problem: 'must be a calendar date YYYY-MM-DD' });
      if (!violations.length && request.from && request.to && request.from > request.to) violations.push({ field: 'to', problem: 'must not be before from' });
      if (violations.length) throw validationFailed(violations);
      const scope = await scopeFor(caller, request.organizationId);
      const result = await meetings.list(
        { scope, ...(request.type ? { type: request.type } : {}), ...(request.from ? { from: request.from } : {}), ...(request.to ? { to: request.to } : {}) },
        page,
        size,
      );
      return { meetings: result.items.map(toProtoMeeting), page: { page, size, total: String(result.total) } };
    }),

    meetingCompliance: unary(logger, async (request: pb.MeetingComplianceRequest, context) => {
      const caller = authorize(context, 'meeting.read');
      const { page, size } = pageOf(request, paging);
      const asOf = provinceDate(new Date());
      const quarter = request.quarter || quarterOf(asOf);
      if (!isQuarter(quarter)) throw validationFailed([{ field: 'quarter', problem: 'must be a quarter YYYY-Qn, e.g. 2026-Q3' }]);
      const root = await scopeFor(caller, request.organizationId);
      const all = await subtreeCompliance(organizations, meetings, root, quarter, asOf);
      const listed = request.behindOnly ? all.filter((r) => !r.compliance.compliant) : all;
      return {
        quarter,
        branches: listed.slice((page - 1) * size, page * size).map(toProtoBranch),
        page: { page, size, total: String(listed.length) },
      };
    }),
  };

  return {
    registration: { name: 'member.v1.MeetingService', definition: MeetingServiceService, implementation },
    jobs: [meetingComplianceJob(organizations, meetings)],
  };
}
