/**
 * Reading and handling early warnings: staff see those of their scope, inspectors assign and
 * close them, the one assigned acknowledges. Statistics count them by rule, status and organisation.
 */
import { authorize, inCallerScope, isValidOrgPath, scopeOf, visible, type Action, type Caller } from '@repo/access';
import type { Page } from '@repo/db';
import { validationFailed } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { warningStatuses, warningStep, type Warning, type WarningAction, type WarningStatus } from '../domain/warning';
import type { WarningRule } from '../domain/warning-rules';
import { warningMissing, type WarningRepository } from '../store/warnings';

export const warningPaging = { defaultSize: 20, maxSize: 100 } as const;

const actionRights: Record<WarningAction, Action> = {
  assign: 'warning.assign',
  acknowledge: 'warning.acknowledge',
  close: 'warning.close',
};

export type StatusCounts = Record<WarningStatus, number> & { total: number };

const emptyCounts = (): StatusCounts => ({
  ...(Object.fromEntries(warningStatuses.map((s) => [s, 0])) as Record<WarningStatus, number>),
  total: 0,
});

export interface WarningStatistics {
  total: StatusCounts;
  byRule: { ruleId: string; title: string; counts: StatusCounts }[];
  byOrganization: { orgPath: string; counts: StatusCounts }[];
}

export class WarningUseCases {
  constructor(
    private readonly warnings: WarningRepository,
    readonly rules: readonly WarningRule[],
  ) {}

  private scopeFor(caller: Caller, orgPath: string | undefined): string {
    if (!orgPath) return scopeOf(caller);
    if (!isValidOrgPath(orgPath) || !inCallerScope(caller, orgPath))
      throw validationFailed([{ field: 'orgPath', problem: 'must be an organisation path within your scope' }]);
    return orgPath;
  }

  async list(
    caller: Caller,
    query: {
      status?: WarningStatus;
      ruleId?: string;
      subjectId?: string;
      orgPath?: string;
      assignedToMe: boolean;
      page: number;
      size: number;
    },
  ): Promise<Page<Warning>> {
    authorize(caller, 'warning.read');
    return this.warnings.list(
      {
        scope: this.scopeFor(caller, query.orgPath),
        ...(query.status ? { status: query.status } : {}),
        ...(query.ruleId ? { ruleId: query.ruleId } : {}),
        ...(query.subjectId ? { subjectId: query.subjectId } : {}),
        ...(query.assignedToMe ? { assignee: caller.userId } : {}),
      },
      query.page,
      query.size,
    );
  }

  async get(caller: Caller, id: string): Promise<Warning> {
    authorize(caller, 'warning.read');
    return visible(
      caller,
      await this.warnings.get(id),
      (w) => w.orgPath,
      () => warningMissing(id),
    );
  }

  async transition(
    caller: Caller,
    id: string,
    action: WarningAction,
    input: { assignee: string; note: string; expectedRevision: number },
  ): Promise<Warning> {
    authorize(caller, actionRights[action]);
    const current = visible(
      caller,
      await this.warnings.get(id),
      (w) => w.orgPath,
      () => warningMissing(id),
    );
    assertRevision(input.expectedRevision, current, 'warning');
    const { step, to } = warningStep(current, action, {
      actor: caller.userId,
      assignee: input.assignee,
      note: input.note,
      at: new Date().toISOString(),
    });
    return this.warnings.saveStep(current, step, to);
  }

  async statistics(caller: Caller, orgPath: string | undefined): Promise<WarningStatistics> {
    authorize(caller, 'warning.read');
    const tallies = await this.warnings.tallies(this.scopeFor(caller, orgPath));
    const total = emptyCounts();
    const byRule = new Map<string, StatusCounts>();
    const byOrganization = new Map<string, StatusCounts>();
    for (const { ruleId, status, orgPath: path } of tallies) {
      for (const counts of [total, getOr(byRule, ruleId), getOr(byOrganization, path)]) {
        counts[status] += 1;
        counts.total += 1;
      }
    }
    const titles = new Map(this.rules.map((r) => [r.id, r.title]));
    return {
      total,
      byRule: [...byRule]
        .map(([ruleId, counts]) => ({ ruleId, title: titles.get(ruleId) ?? ruleId, counts }))
        .sort((a, b) => b.counts.total - a.counts.total || (a.ruleId < b.ruleId ? -1 : 1)),
      byOrganization: [...byOrganization]
        .map(([path, counts]) => ({ orgPath: path, counts }))
        .sort((a, b) => (a.orgPath < b.orgPath ? -1 : 1)),
    };
  }

  listRules(caller: Caller): readonly WarningRule[] {
    authorize(caller, 'warning.read');
    return this.rules;
  }
}

function getOr(map: Map<string, StatusCounts>, key: string): StatusCounts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = emptyCounts()));
  return counts;
}
