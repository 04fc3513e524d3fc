/**
 * Study points, off unless an organisation turns them on. Only actions the server saw happen
 * earn points (a unit completed, an exam passed), once each by the action's id, within the
 * rules' daily caps. Statistics are per organisation; nobody is ranked.
 */
import { authorize, inCallerScope, scopesCovering, type Caller } from '@repo/access';
import { notFound } from '@repo/errors';
import type { Logger } from '@repo/logging';
import { selfLearner } from '../access';
import { todayOf, type Clock } from '../clock';
import type { Learner } from '../domain/learner';
import { yearOf } from '../domain/ledger';
import { pointsEnabled, pointsFor, pointsRulesOn, validatePointsRules, type PointsRules } from '../domain/points';
import type { PointsAction } from '../domain/vocabulary';
import { rulesEvents } from '../ledger/use-cases';
import type { LearnerRepository } from '../store/learners';
import type { OrganizationCopies, OrganizationCopy } from '../store/organizations';
import { pointsEvents, type PointsRepository } from '../store/points';
import type { RuleRepository } from '../store/rules';

export class PointsUseCases {
  constructor(
    private readonly points: PointsRepository,
    private readonly rules: RuleRepository,
    private readonly learners: LearnerRepository,
    private readonly organizations: OrganizationCopies,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private async enabledAt(orgPath: string): Promise<boolean> {
    return pointsEnabled(await this.points.allSettings(), scopesCovering(orgPath));
  }

  /**
   * Awards points for an action, where the learner's organisation turned them on. An incentive
   * only: a failure is logged and never fails what the learner did.
   */
  async award(learner: Learner, action: PointsAction, actionId: string): Promise<void> {
    try {
      if (!(await this.enabledAt(learner.orgPath))) return;
      const today = todayOf(this.clock);
      const rules = pointsRulesOn(await this.rules.list('pointsRules'), today);
      for (let attempt = 1; attempt <= 5; attempt++) {
        const year = await this.points.year(learner.memberId, yearOf(today));
        const points = pointsFor(rules, action, year?.days[today] ?? { total: 0, byAction: {} });
        const event = {
          type: pointsEvents.awarded,
          actor: 'system',
          orgPath: learner.orgPath,
          subjectId: learner.memberId,
          data: { memberId: learner.memberId, action, actionId, points, rules: rules.version },
        };
        const outcome = await this.points.award(learner.memberId, learner.orgPath, yearOf(today), today, action, actionId, points, event);
        if (outcome !== 'conflict') return;
      }
    } catch (err) {
      this.logger.warn({ memberId: learner.memberId, action, err: (err as Error).message }, 'study points not awarded');
    }
  }

  private async organization(caller: Caller, organizationId: string): Promise<OrganizationCopy> {
    const organization = await this.organizations.find(organizationId);
    if (!organization || !inCallerScope(caller, organization.path))
      throw notFound('ORGANIZATION_NOT_FOUND', `organisation ${organizationId} not found`, { id: organizationId });
    return organization;
  }

  async setSetting(caller: Caller, organizationId: string, enabled: boolean): Promise<{ organizationId: string; enabled: boolean }> {
    authorize(caller, 'points.manage');
    const organization = await this.organization(caller, organizationId);
    await this.points.setSetting(organization.id, organization.path, enabled, caller.userId, {
      type: pointsEvents.settingChanged,
      actor: caller.userId,
      orgPath: organization.path,
      subjectId: organization.id,
      data: { organizationId: organization.id, enabled },
    });
    return { organizationId: organization.id, enabled };
  }

  async statistics(
    caller: Caller,
    organizationId: string,
    yearAsked: number,
  ): Promise<{ year: number; enabled: boolean; participants: number; total: number }> {
    authorize(caller, 'points.read');
    const organization = await this.organization(caller, organizationId);
    const year = yearAsked || yearOf(todayOf(this.clock));
    const { participants, total } = await this.points.statistics(organization.path, year);
    return { year, enabled: await this.enabledAt(organization.path), participants, total };
  }

  async mine(caller: Caller, yearAsked: number): Promise<{ year: number; enabled: boolean; total: number; today: number }> {
    const learner = await selfLearner(this.learners, caller);
    const year = yearAsked || yearOf(todayOf(this.clock));
    const points = await this.points.year(learner.memberId, year);
    return {
      year,
      enabled: await this.enabledAt(learner.orgPath),
      total: points?.total ?? 0,
      today: points?.days[todayOf(this.clock)]?.total ?? 0,
    };
  }

  async listRules(caller: Caller): Promise<PointsRules[]> {
    authorize(caller, 'learning.read');
    return this.rules.list('pointsRules');
  }

  async addRules(caller: Caller, rules: PointsRules): Promise<PointsRules> {
    authorize(caller, 'learning.rules');
    const valid = validatePointsRules(
      { ...rules, createdBy: caller.userId },
      await this.rules.list('pointsRules', { fresh: true }),
      todayOf(this.clock),
    );
    return this.rules.add('pointsRules', valid, {
      type: rulesEvents.pointsRules,
      actor: caller.userId,
      orgPath: '/',
      subjectId: valid.version,
      data: { version: valid.version, effectiveFrom: valid.effectiveFrom },
    });
  }
}
