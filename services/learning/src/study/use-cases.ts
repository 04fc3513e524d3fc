/**
 * Studying: enrolment (refused before the seat is taken when it would be duplicate training),
 * units completed by doing them, and the class hours each completion credits to the ledger.
 * Completion is idempotent: a unit completes once, and its hours are credited under its key.
 */
import { randomUUID } from 'node:crypto';
import { authorize, can, inCallerScope, type Caller } from '@repo/access';
import type { NewEvent } from '@repo/bus';
import type { Page } from '@repo/db';
import { aborted, failedPrecondition, validationFailed } from '@repo/errors';
import { learnerInScope, offeredTo, selfLearner, subjectLearner } from '../access';
import { todayOf, type Clock } from '../clock';
import { courseDates, isOffline, unitHours, type Course, type Unit } from '../domain/course';
import { emptyProgress, type Enrolment, type UnitProgress } from '../domain/enrolment';
import { offlineDayHours } from '../domain/conversion';
import { audienceRule, inAudience } from '../domain/audience';
import type { Learner } from '../domain/learner';
import { entryKeys, type LedgerEntry } from '../domain/ledger';
import {
  assertPlausible,
  coveragePermille,
  mergeIntervals,
  playback,
  validateIntervals,
  validateReadTo,
  type Interval,
  type PlayerSession,
} from '../domain/playback';
import { validateOverrideReason } from '../domain/training';
import type { EnrolmentStatus } from '../domain/vocabulary';
import type { LedgerUseCases } from '../ledger/use-cases';
import type { PointsUseCases } from '../points/use-cases';
import { courseNotFound, type CourseRepository } from '../store/courses';
import { enrolmentId, enrolmentNotFound, studyEvents, type EnrolmentRepository } from '../store/enrolments';
import type { LearnerRepository } from '../store/learners';
import type { PlayerRepository } from '../store/players';
import type { TrainingRepository } from '../store/trainings';
import { checkDuplicate, overriddenEvent } from '../trainings/duplicates';
import { trainingOfEnrolment } from './trainings';

export const enrolmentPaging = { defaultSize: 20, maxSize: 200 } as const;

export interface StudySettings {
  /** A training of the same topic within this many months is a duplicate. */
  topicRepeatMonths: number;
}

export interface ProgressReport {
  sessionId: string;
  intervals: Interval[];
  readToPermille: number;
}

export interface ProgressResult {
  unitId: string;
  progress: UnitProgress;
  unitCompleted: boolean;
  courseCompleted: boolean;
}

const sessionEnded = (sessionId: string) =>
  failedPrecondition(
    'LEARNING_SESSION_ENDED',
    'this session is over: another unit was started since, or it never existed; start the unit again',
    { sessionId },
  );

const enrolmentRequired = (courseId: string, memberIds: string[]) =>
  failedPrecondition(
    'ENROLMENT_REQUIRED',
    `not enrolled in course ${courseId}: ${memberIds.slice(0, 10).join(', ')}${memberIds.length > 10 ? ` and ${memberIds.length - 10} more` : ''}`,
    {
      courseId,
      memberIds: memberIds.slice(0, 20).join(','),
    },
  );

function unitOf(course: Course, unitId: string): Unit {
  const unit = course.units.find((u) => u.id === unitId);
  if (!unit)
    throw failedPrecondition('COURSE_UNIT_NOT_FOUND', `course ${course.id} has no unit ${unitId}`, { courseId: course.id, unitId });
  return unit;
}

/** Whether a unit's doing is done: read to the end, or 90 % of the video watched. */
function contentDone(unit: Unit, progress: UnitProgress): boolean {
  if (unit.kind === 'video') return progress.coveragePermille >= playback.completePermille;
  if (unit.kind === 'offlineSession') return unit.days.every((d) => progress.daysAttended.includes(d.date));
  return progress.readToPermille >= 1000;
}

function unitComplete(unit: Unit, progress: UnitProgress): boolean {
  return contentDone(unit, progress) && (unit.testExamId === '' || progress.testPassed);
}

export class StudyUseCases {
  constructor(
    private readonly courses: CourseRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly players: PlayerRepository,
    private readonly learners: LearnerRepository,
    private readonly trainings: TrainingRepository,
    private readonly ledger: LedgerUseCases,
    private readonly points: PointsUseCases,
    private readonly settings: StudySettings,
    private readonly clock: Clock,
  ) {}

  /** A course the learner can be enrolled in: published, offered at their node, for their audience, not over. */
  private async courseFor(learner: Learner, courseId: string, today: string): Promise<Course> {
    const course = await this.courses.find(courseId);
    if (!course || course.status !== 'published' || !offeredTo(course.orgPath, learner.orgPath)) throw courseNotFound(courseId);
    if (!inAudience(learner, course.audience)) {
      throw failedPrecondition('COURSE_AUDIENCE', `this course is for ${audienceRule(course.audience)}`, {
        audience: course.audience.kind,
      });
    }
    const dates = courseDates(course);
    if (dates && dates.endDate < today)
      throw failedPrecondition('COURSE_ENDED', `this class ended on ${dates.endDate}`, { endDate: dates.endDate });
    return course;
  }

  async enrol(caller: Caller, input: { courseId: string; memberId: string; overrideReason: string }): Promise<Enrolment> {
    const today = todayOf(this.clock);
    const { learner, self } = await subjectLearner(this.learners, caller, input.memberId, 'learning.enrol');
    if (!self) authorize(caller, 'learning.enrol');
    const reason = validateOverrideReason(input.overrideReason);
    const course = await this.courseFor(learner, input.courseId, today);
    if (!self && !(inCallerScope(caller, course.orgPath) || offeredTo(course.orgPath, caller.orgPath))) throw courseNotFound(course.id);
    const dates = courseDates(course);
    const id = enrolmentId(course.id, learner.memberId);
    const enrolled = await this.enrolments.ofMember(learner.memberId);
    const existing = enrolled.find((e) => e.id === id);
    if (existing && existing.status !== 'cancelled')
      throw failedPrecondition('ENROLMENT_EXISTS', `member ${learner.memberId} is enrolled in this course already`, {
        enrolmentId: id,
        status: existing.status,
      });

    // The duplicate-training rules, before any seat is taken.
    const history = [...enrolled.filter((e) => e.id !== id).map(trainingOfEnrolment), ...(await this.trainings.ofMember(learner.memberId))];
    const duplicate = checkDuplicate(
      caller,
      {
        courseId: course.id,
        courseCode: course.code,
        topic: course.topic,
        fullTime: course.fullTime,
        startDate: dates?.startDate ?? '',
        endDate: dates?.endDate ?? '',
      },
      history,
      { topicMonths: this.settings.topicRepeatMonths, today, at: this.clock.now().toISOString(), reason },
    );
    const override = duplicate?.override ?? null;

    if (!(await this.courses.takeSeat(course.id)))
      throw failedPrecondition('COURSE_FULL', `all ${course.capacity} seats of this class are taken`, {
        capacity: String(course.capacity),
      });
    const events: NewEvent[] = [
      {
        type: studyEvents.enrolled,
        actor: caller.userId,
        orgPath: learner.orgPath,
        subjectId: id,
        data: { courseId: course.id, memberId: learner.memberId, title: course.title },
      },
    ];
    if (duplicate)
      events.push(
        overriddenEvent(duplicate, {
          actor: caller.userId,
          orgPath: learner.orgPath,
          subjectId: id,
          memberId: learner.memberId,
          courseId: course.id,
        }),
      );
    try {
      return await this.enrolments.enrol(
        {
          courseId: course.id,
          memberId: learner.memberId,
          orgPath: learner.orgPath,
          enrolledAt: this.clock.now().toISOString(),
          enrolledBy: caller.userId,
          override,
          course: {
            title: course.title,
            code: course.code,
            topic: course.topic,
            organiserKind: course.organiserKind,
            organiserName: course.organiserName,
            fullTime: course.fullTime,
            offline: isOffline(course),
            startDate: dates?.startDate ?? '',
            endDate: dates?.endDate ?? '',
          },
        },
        events,
      );
    } catch (err) {
      await this.courses.releaseSeat(course.id);
      throw err;
    }
  }

  /** The caller may see an enrolment: their own, or one in their scope with learning.read. */
  private async visibleEnrolment(caller: Caller, id: string): Promise<Enrolment> {
    const enrolment = await this.enrolments.find(id);
    if (!enrolment) throw enrolmentNotFound(id);
    if (can(caller.roles, 'learning.read') && inCallerScope(caller, enrolment.orgPath)) return enrolment;
    const own = await this.learners.byUser(caller.userId);
    if (own?.memberId === enrolment.memberId) return enrolment;
    throw enrolmentNotFound(id);
  }

  async get(caller: Caller, id: string): Promise<Enrolment> {
    return this.visibleEnrolment(caller, id);
  }

  async list(
    caller: Caller,
    query: { courseId: string; mine: boolean; status?: EnrolmentStatus; page: number; size: number },
  ): Promise<Page<Enrolment>> {
    if (query.mine) {
      const learner = await selfLearner(this.learners, caller);
      return this.enrolments.list(
        {
          memberId: learner.memberId,
          ...(query.courseId ? { courseId: query.courseId } : {}),
          ...(query.status ? { status: query.status } : {}),
        },
        query.page,
        query.size,
      );
    }
    authorize(caller, 'learning.read');
    if (!query.courseId) throw validationFailed([{ field: 'courseId', problem: 'is required unless mine is set' }]);
    const course = await this.courses.find(query.courseId);
    if (!course || !inCallerScope(caller, course.orgPath)) throw courseNotFound(query.courseId);
    return this.enrolments.list({ courseId: course.id, ...(query.status ? { status: query.status } : {}) }, query.page, query.size);
  }

  /** Cancels an enrolment not completed; the seat is given back. */
  async cancel(caller: Caller, id: string, reason: string): Promise<Enrolment> {
    const enrolment = await this.visibleEnrolment(caller, id);
    const own = (await this.learners.byUser(caller.userId))?.memberId === enrolment.memberId;
    if (!own) authorize(caller, 'learning.enrol');
    if (enrolment.status !== 'enrolled')
      throw failedPrecondition('ENROLMENT_NOT_LIVE', `only a live enrolment is cancelled; this one is ${enrolment.status}`, {
        status: enrolment.status,
      });
    const cancelled = await this.enrolments.cancel(enrolment, [
      {
        type: studyEvents.cancelled,
        actor: caller.userId,
        orgPath: enrolment.orgPath,
        subjectId: id,
        data: { courseId: enrolment.courseId, memberId: enrolment.memberId, reason: reason.trim().slice(0, 500) },
      },
    ]);
    await this.courses.releaseSeat(enrolment.courseId);
    return cancelled;
  }

  /** A unit the learner may study now: enrolled (or done and back), online. */
  private async studied(learner: Learner, courseId: string, unitId: string): Promise<{ course: Course; unit: Unit; enrolment: Enrolment }> {
    const course = await this.courses.forStudy(courseId);
    if (!course || !offeredTo(course.orgPath, learner.orgPath)) throw courseNotFound(courseId);
    const unit = unitOf(course, unitId);
    const enrolment = await this.enrolments.find(enrolmentId(courseId, learner.memberId));
    if (!enrolment || enrolment.status === 'cancelled') throw enrolmentRequired(courseId, [learner.memberId]);
    return { course, unit, enrolment };
  }

  async startSession(caller: Caller, courseId: string, unitId: string): Promise<{ session: PlayerSession; videoSeconds: number }> {
    const learner = await selfLearner(this.learners, caller);
    const { unit } = await this.studied(learner, courseId, unitId);
    if (unit.kind === 'offlineSession')
      throw failedPrecondition(
        'LEARNING_OFFLINE_BY_ATTENDANCE',
        'an offline session is completed by the attendance its organiser records',
        { unitId },
      );
    const now = this.clock.now();
    const session: PlayerSession = {
      sessionId: randomUUID(),
      courseId,
      unitId,
      kind: unit.kind,
      startedAt: now.toISOString(),
      lastReportAt: now.getTime(),
    };
    await this.players.start(learner.memberId, session);
    return { session, videoSeconds: unit.videoSeconds };
  }

  async report(caller: Caller, report: ProgressReport): Promise<ProgressResult> {
    const learner = await selfLearner(this.learners, caller);
    const now = this.clock.now();
    // A report without intervals is most often an article's or a document's: its session is
    // found and its clock moved in one round trip (nothing to check against the clock).
    const reading =
      report.intervals.length === 0 &&
      Number.isInteger(report.readToPermille) &&
      report.readToPermille >= 1 &&
      report.readToPermille <= 1000;
    const advanced = reading ? await this.players.advanceUnlessVideo(learner.memberId, report.sessionId, now.getTime()) : null;
    const session = advanced ?? (await this.players.current(learner.memberId));
    if (!session || session.sessionId !== report.sessionId) throw sessionEnded(report.sessionId);
    const { course, unit, enrolment } = await this.studied(learner, session.courseId, session.unitId);
    let played: Interval[] = [];
    if (unit.kind === 'video') {
      played = validateIntervals(report.intervals, unit.videoSeconds);
      assertPlausible(session, played, now.getTime());
    } else {
      if (report.intervals.length) throw validationFailed([{ field: 'intervals', problem: 'only a video reports intervals' }]);
      validateReadTo(report.readToPermille);
    }
    // The clock moves once per report: a report sent twice at once counts once.
    if (!advanced && !(await this.players.advance(learner.memberId, session, now.getTime())))
      throw aborted('LEARNING_SESSION_CONFLICT', 'another report of this session came in at the same time; send the next one', {
        sessionId: session.sessionId,
      });
    return this.progress(learner, course, unit, enrolment, (progress) => {
      if (unit.kind !== 'video') return { ...progress, readToPermille: Math.max(progress.readToPermille, report.readToPermille) };
      const watched = mergeIntervals([...progress.watched, ...played]);
      return { ...progress, watched, coveragePermille: coveragePermille(watched, unit.videoSeconds) };
    });
  }

  /**
   * Applies `change` to a unit's progress and, when the unit is complete by it, credits its
   * hours (the ledger first: a crash before the enrolment is saved leaves hours credited under
   * the unit's key, and the next report completes the enrolment without crediting again).
   */
  private async progress(
    learner: Learner,
    course: Course,
    unit: Unit,
    first: Enrolment,
    change: (p: UnitProgress) => UnitProgress,
    also: (p: UnitProgress, completes: boolean) => NewEvent[] = () => [],
  ): Promise<ProgressResult> {
    let enrolment = first;
    for (let attempt = 1; ; attempt++) {
      const before = enrolment.units[unit.id] ?? emptyProgress;
      if (before.completedAt) return { unitId: unit.id, progress: before, unitCompleted: false, courseCompleted: false };
      let progress = change(before);
      const events: NewEvent[] = [];
      const completes = unitComplete(unit, progress);
      const today = todayOf(this.clock);
      if (completes && unit.kind !== 'offlineSession') {
        const quarterHours = unitHours(unit, await this.ledger.tableOn(), today);
        await this.ledger.credit(learner, [
          {
            key: entryKeys.unit(unit.id),
            kind: 'online',
            quarterHours,
            date: today,
            title: unit.title,
            courseId: course.id,
            unitId: unit.id,
            trainingId: '',
            sessionKey: '',
          },
        ]);
        progress = { ...progress, completedAt: this.clock.now().toISOString(), quarterHours };
      }
      events.push(...also(progress, completes));
      if (completes) events.push(this.unitCompletedEvent(enrolment, unit, progress));
      const courseCompleted = completes && course.units.every((u) => u.id === unit.id || Boolean(enrolment.units[u.id]?.completedAt));
      if (courseCompleted)
        events.push({
          type: studyEvents.courseCompleted,
          actor: learner.userId || 'system',
          orgPath: enrolment.orgPath,
          subjectId: enrolment.id,
          data: { courseId: course.id, memberId: learner.memberId, title: course.title },
        });
      try {
        const saved = await this.enrolments.saveProgress(
          enrolment,
          unit.id,
          progress,
          events,
          courseCompleted ? this.clock.now().toISOString() : '',
        );
        if (completes) await this.points.award(learner, 'unitCompleted', `unit:${unit.id}`);
        return { unitId: unit.id, progress: saved.units[unit.id]!, unitCompleted: completes, courseCompleted };
      } catch (err) {
        if ((err as { code?: string }).code !== 'LEARNING_REVISION_CONFLICT' || attempt >= 10) throw err;
        enrolment = (await this.enrolments.find(enrolment.id)) ?? enrolment;
      }
    }
  }

  private unitCompletedEvent(enrolment: Enrolment, unit: Unit, progress: UnitProgress): NewEvent {
    return {
      type: studyEvents.unitCompleted,
      actor: 'system',
      orgPath: enrolment.orgPath,
      subjectId: enrolment.id,
      data: {
        courseId: enrolment.courseId,
        memberId: enrolment.memberId,
        unitId: unit.id,
        kind: unit.kind,
        quarterHours: progress.quarterHours,
      },
    };
  }

  /**
   * The organiser records who attended a day of an offline session: each credits that day's
   * hours by the table in force that day, and the unit completes once every day is attended.
   * Everyone named must be enrolled, or nothing is recorded.
   */
  async attendance(
    caller: Caller,
    input: { courseId: string; unitId: string; date: string; memberIds: string[] },
  ): Promise<{ recorded: number; alreadyRecorded: number }> {
    authorize(caller, 'learning.enrol');
    const course = await this.courses.find(input.courseId);
    if (!course || !inCallerScope(caller, course.orgPath)) throw courseNotFound(input.courseId);
    const unit = unitOf(course, input.unitId);
    if (unit.kind !== 'offlineSession')
      throw failedPrecondition('LEARNING_NOT_OFFLINE', 'attendance is recorded for offline sessions; online units complete by doing them', {
        unitId: unit.id,
      });
    const day = unit.days.find((d) => d.date === input.date);
    if (!day)
      throw validationFailed([{ field: 'date', problem: `is not a day of this session (${unit.days.map((d) => d.date).join(', ')})` }]);
    const today = todayOf(this.clock);
    if (day.date > today)
      throw failedPrecondition('LEARNING_ATTENDANCE_AHEAD', `attendance of ${day.date} is recorded on or after that day`, {
        date: day.date,
        today,
      });
    const memberIds = [...new Set(input.memberIds)];
    if (memberIds.length === 0) throw validationFailed([{ field: 'memberIds', problem: 'name at least one member present' }]);
    const enrolments = await Promise.all(memberIds.map((m) => this.enrolments.find(enrolmentId(course.id, m))));
    const missing = memberIds.filter((_, i) => !enrolments[i] || enrolments[i]!.status === 'cancelled');
    if (missing.length) throw enrolmentRequired(course.id, missing);
    const quarterHours = offlineDayHours((await this.ledger.tableOn())(day.date), day.part);

    let recorded = 0;
    let alreadyRecorded = 0;
    for (const enrolment of enrolments as Enrolment[]) {
      if (enrolment.units[unit.id]?.daysAttended.includes(day.date)) {
        alreadyRecorded += 1;
        continue;
      }
      const learner = await this.learners.get(enrolment.memberId);
      if (!learner) continue;
      const entry: LedgerEntry = {
        key: entryKeys.day(unit.id, day.date),
        kind: 'offline',
        quarterHours,
        date: day.date,
        title: unit.title,
        courseId: course.id,
        unitId: unit.id,
        trainingId: '',
        sessionKey: entryKeys.session(unit.id),
      };
      await this.ledger.credit(learner, [entry]);
      await this.progress(
        learner,
        course,
        unit,
        enrolment,
        (p) => {
          const daysAttended = [...new Set([...p.daysAttended, day.date])].sort();
          const progress = { ...p, daysAttended, quarterHours: p.quarterHours + quarterHours };
          return unitComplete(unit, progress) ? { ...progress, completedAt: this.clock.now().toISOString() } : progress;
        },
        (_p, completes) => [
          {
            type: studyEvents.attended,
            actor: caller.userId,
            orgPath: enrolment.orgPath,
            subjectId: enrolment.id,
            data: {
              courseId: course.id,
              unitId: unit.id,
              memberId: enrolment.memberId,
              date: day.date,
              quarterHours,
              unitCompleted: completes,
            },
          },
        ],
      );
      recorded += 1;
    }
    return { recorded, alreadyRecorded };
  }

  /** A unit test passed: the units it tests record it, and complete if their doing is done. */
  async unitTestPassed(memberId: string, examId: string): Promise<void> {
    const learner = await this.learners.get(memberId);
    if (!learner) return;
    for (const enrolment of await this.enrolments.ofMember(memberId)) {
      if (enrolment.status === 'cancelled') continue;
      const course = await this.courses.find(enrolment.courseId);
      for (const unit of course?.units.filter((u) => u.testExamId === examId) ?? []) {
        await this.progress(learner, course!, unit, (await this.enrolments.find(enrolment.id)) ?? enrolment, (p) => ({
          ...p,
          testPassed: true,
        }));
      }
    }
  }

  /** Another learner's enrolments are read through their scope (the training archive). */
  async ofLearner(caller: Caller, memberId: string): Promise<Enrolment[]> {
    const learner = await learnerInScope(this.learners, caller, 'training.read', memberId);
    return this.enrolments.ofMember(learner.memberId);
  }
}
