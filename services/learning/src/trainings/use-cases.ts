/**
 * The cadre training archive (干部培训档案): every training a person attended, online or offline,
 * by any organiser: their enrolments here and the trainings recorded by hand. A recorded training
 * credits its hours (split by day where it crosses a year) and is refused, like an enrolment,
 * when it would be duplicate training, unless an administrator overrides with a reason.
 */
import type { Caller } from '@repo/access';
import type { NewEvent } from '@repo/bus';
import type { Page } from '@repo/db';
import { learnerInScope, subjectLearner } from '../access';
import { todayOf, type Clock } from '../clock';
import { entryKeys, splitByYear } from '../domain/ledger';
import { validateOverrideReason, validateTraining, type Training, type TrainingFields } from '../domain/training';
import type { LedgerUseCases } from '../ledger/use-cases';
import type { EnrolmentRepository } from '../store/enrolments';
import type { LearnerRepository } from '../store/learners';
import { trainingEvents, type TrainingRepository } from '../store/trainings';
import type { StudySettings } from '../study/use-cases';
import { trainingOfEnrolment } from '../study/trainings';
import { checkDuplicate, overriddenEvent } from './duplicates';

export const trainingPaging = { defaultSize: 50, maxSize: 200 } as const;

export class TrainingUseCases {
  constructor(
    private readonly trainings: TrainingRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly learners: LearnerRepository,
    private readonly ledger: LedgerUseCases,
    private readonly settings: StudySettings,
    private readonly clock: Clock,
  ) {}

  /** Every training of a person, oldest first. */
  async history(memberId: string): Promise<Training[]> {
    const [enrolled, recorded] = await Promise.all([this.enrolments.ofMember(memberId), this.trainings.ofMember(memberId)]);
    return [...enrolled.map(trainingOfEnrolment), ...recorded].sort((a, b) =>
      (a.startDate || a.createdAt).localeCompare(b.startDate || b.createdAt),
    );
  }

  async list(caller: Caller, memberId: string, page: number, size: number): Promise<Page<Training>> {
    const { learner } = await subjectLearner(this.learners, caller, memberId, 'training.read');
    const all = (await this.history(learner.memberId)).reverse();
    return { items: all.slice((page - 1) * size, page * size), total: all.length };
  }

  async record(caller: Caller, memberId: string, fields: TrainingFields, overrideReason: string): Promise<Training> {
    const learner = await learnerInScope(this.learners, caller, 'training.write', memberId);
    const today = todayOf(this.clock);
    const valid = validateTraining(fields, today);
    const reason = validateOverrideReason(overrideReason);
    const duplicate = checkDuplicate(
      caller,
      {
        courseId: '',
        courseCode: valid.courseCode,
        topic: valid.topic,
        fullTime: valid.fullTime,
        startDate: valid.startDate,
        endDate: valid.endDate,
      },
      await this.history(learner.memberId),
      { topicMonths: this.settings.topicRepeatMonths, today, at: this.clock.now().toISOString(), reason },
    );
    const override = duplicate?.override ?? null;
    const training = await this.trainings.insert(
      {
        ...valid,
        memberId: learner.memberId,
        courseId: '',
        status: 'completed',
        override,
        orgPath: learner.orgPath,
        createdBy: caller.userId,
        createdAt: this.clock.now().toISOString(),
      },
      (id) => {
        const events: NewEvent[] = [
          {
            type: trainingEvents.recorded,
            actor: caller.userId,
            orgPath: learner.orgPath,
            subjectId: id,
            data: {
              memberId: learner.memberId,
              title: valid.title,
              topic: valid.topic,
              organiser: valid.organiserName,
              startDate: valid.startDate,
              endDate: valid.endDate,
              quarterHours: valid.quarterHours,
            },
          },
        ];
        if (duplicate)
          events.push(
            overriddenEvent(duplicate, {
              actor: caller.userId,
              orgPath: learner.orgPath,
              subjectId: id,
              memberId: learner.memberId,
              courseId: '',
            }),
          );
        return events;
      },
    );
    // Its hours by year: a training crossing a year is split by its days.
    const kind = valid.mode === 'offline' ? 'offline' : 'online';
    await this.ledger.credit(
      learner,
      splitByYear(valid.startDate, valid.endDate, valid.quarterHours).map((share) => ({
        key: entryKeys.training(training.id, share.year),
        kind,
        quarterHours: share.quarterHours,
        date: share.date,
        title: valid.title,
        courseId: '',
        unitId: '',
        trainingId: training.id,
        sessionKey: kind === 'offline' ? entryKeys.session(training.id) : '',
      })),
    );
    return training;
  }
}
