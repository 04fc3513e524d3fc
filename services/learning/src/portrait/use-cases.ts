/**
 * The cadre portrait (干部画像): what the member service's events said about the cadre (their
 * organisations and stages over time, the meetings those organisations held while they were
 * there), what the feedback service's events said about the messages they handled, the
 * discipline decisions the supervision service's events announced with their influence periods, and this
 * service's own records: trainings, class hours by year and exam results. Study points are no
 * part of it: assessment uses class hours and exam results only. Each read is an event.
 */
import type { Caller } from '@repo/access';
import { notFound } from '@repo/errors';
import { learnerInScope } from '../access';
import { todayOf, type Clock } from '../clock';
import { isCadre, type Learner } from '../domain/learner';
import type { Training } from '../domain/training';
import type { ExamRepository } from '../store/exams';
import type { LearnerRepository } from '../store/learners';
import type { LedgerRepository } from '../store/ledgers';
import type { OrganizationCopies } from '../store/organizations';
import { portraitEvents, type DisciplineCopy, type InfluenceCopy, type PortraitRepository } from '../store/portraits';
import type { TrainingUseCases } from '../trainings/use-cases';

export interface OrganizationSpell {
  organizationId: string;
  orgPath: string;
  name: string;
  fromDate: string;
  toDate: string;
}

export interface Portrait {
  learner: Learner;
  organizations: OrganizationSpell[];
  stages: { stage: string; date: string }[];
  hours: { year: number; online: number; offline: number; total: number; met: boolean; onTrack: boolean }[];
  trainings: Training[];
  examResults: { examId: string; title: string; attempt: number; score: number; totalScore: number; passed: boolean; gradedAt: string }[];
  meetings: { year: number; type: string; held: number }[];
  messagesHandled: { year: number; replied: number; closed: number }[];
  discipline: (Omit<DisciplineCopy, 'memberId' | 'influence'> & { influence: (InfluenceCopy & { inForce: boolean })[] })[];
  /** A sanction's influence period lasts today. */
  inInfluencePeriod: boolean;
}

/** An influence period lasts from its first day to the day before `until` ('' never ends). */
export function inForce(period: Pick<InfluenceCopy, 'from' | 'until'>, today: string): boolean {
  return period.from <= today && (period.until === '' || today < period.until);
}

export class PortraitUseCases {
  constructor(
    private readonly portraits: PortraitRepository,
    private readonly learners: LearnerRepository,
    private readonly ledgers: LedgerRepository,
    private readonly trainings: TrainingUseCases,
    private readonly exams: ExamRepository,
    private readonly organizations: OrganizationCopies,
    private readonly clock: Clock,
  ) {}

  async get(caller: Caller, memberId: string): Promise<Portrait> {
    const learner = await learnerInScope(this.learners, caller, 'portrait.read', memberId);
    if (!isCadre(learner)) throw notFound('CADRE_NOT_FOUND', `member ${memberId} is not recorded as a cadre`, { memberId });
    const [history, ledgers, trainings, papers, handled, cases] = await Promise.all([
      this.portraits.history(memberId),
      this.ledgers.ofMember(memberId),
      this.trainings.history(memberId),
      this.exams.resultsOf(memberId),
      this.portraits.handledBy(learner.userId),
      this.portraits.disciplineOf(memberId),
    ]);
    const today = todayOf(this.clock);
    const discipline = cases.map(({ memberId: _m, influence, ...rest }) => ({
      ...rest,
      influence: influence.map((period) => ({ ...period, inForce: inForce(period, today) })),
    }));
    const spells = history.organizations.map((change, i) => ({ ...change, toDate: history.organizations[i + 1]?.date ?? '' }));
    if (spells.length === 0 && learner.organizationId)
      spells.push({ date: '', organizationId: learner.organizationId, orgPath: learner.orgPath, toDate: '' });
    const ids = spells.map((s) => s.organizationId).filter(Boolean);
    const [names, meetings, exams] = await Promise.all([
      this.organizations.names(ids),
      this.portraits.meetingsOf(ids),
      Promise.all([...new Set(papers.map((p) => p.examId))].map((id) => this.exams.findExam(id))),
    ]);
    const held = new Map<string, { year: number; type: string; held: number }>();
    for (const meeting of meetings) {
      const during = spells.some(
        (s) => s.organizationId === meeting.organizationId && meeting.date >= s.date && (s.toDate === '' || meeting.date < s.toDate),
      );
      if (!during) continue;
      const year = Number(meeting.date.slice(0, 4));
      const key = `${year}:${meeting.type}`;
      const count = held.get(key) ?? { year, type: meeting.type, held: 0 };
      count.held += 1;
      held.set(key, count);
    }
    const titles = new Map(exams.flatMap((e) => (e ? [[e.id, e.title] as const] : [])));
    await this.portraits.recordRead(memberId, learner.orgPath, {
      type: portraitEvents.read,
      actor: caller.userId,
      orgPath: learner.orgPath,
      subjectId: memberId,
      data: { memberId, at: this.clock.now().toISOString() },
    });
    return {
      learner,
      organizations: spells.map((s) => ({
        organizationId: s.organizationId,
        orgPath: s.orgPath,
        name: names.get(s.organizationId) ?? '',
        fromDate: s.date,
        toDate: s.toDate,
      })),
      stages: history.stages,
      hours: ledgers.map((l) => ({
        year: l.year,
        online: l.totals.online,
        offline: l.totals.offline,
        total: l.totals.online + l.totals.offline,
        met: l.met,
        onTrack: l.onTrack,
      })),
      trainings,
      examResults: papers
        .map((p) => ({
          examId: p.examId,
          title: titles.get(p.examId) ?? '',
          attempt: p.attempt,
          score: p.score,
          totalScore: p.totalScore,
          passed: p.passed,
          gradedAt: p.gradedAt,
        }))
        .sort((a, b) => a.gradedAt.localeCompare(b.gradedAt)),
      meetings: [...held.values()].sort((a, b) => a.year - b.year || a.type.localeCompare(b.type)),
      messagesHandled: handled,
      discipline,
      inInfluencePeriod: discipline.some((c) => c.influence.some((p) => p.inForce)),
    };
  }
}
