/**
 * Courses: created and edited as drafts by staff within their scope, published and withdrawn
 * by those who may, offered to the learners at their node and below.
 */
import { randomUUID } from 'node:crypto';
import { authorize, can, inCallerScope, scopeFilterPrefix, scopesCovering, type Caller } from '@repo/access';
import type { Page } from '@repo/db';
import { failedPrecondition } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { offeredTo, ownNode, selfLearner } from '../access';
import { todayOf, type Clock } from '../clock';
import {
  applyCourseStep,
  assertDraft,
  unitHours,
  validateCourse,
  type Course,
  type CourseFields,
  type EditableField,
} from '../domain/course';
import { inAudience } from '../domain/audience';
import type { CourseAction, CourseCategory, CourseRequirement, CourseStatus } from '../domain/vocabulary';
import type { ExamRepository } from '../store/exams';
import { courseNotFound, type CourseRepository } from '../store/courses';
import type { LearnerRepository } from '../store/learners';
import type { LedgerUseCases } from '../ledger/use-cases';

export const coursePaging = { defaultSize: 20, maxSize: 100 } as const;

export interface CourseQuery {
  status?: CourseStatus;
  category?: CourseCategory;
  requirement?: CourseRequirement;
  forMe: boolean;
  page: number;
  size: number;
}

/** A course as shown: each unit's class hours by the conversion table in force. */
export interface CourseView extends Course {
  unitHours: Record<string, number>;
  quarterHours: number;
}

/** Staff who see a scope's courses in every status. */
function managesCourses(caller: Caller): boolean {
  return can(caller.roles, 'course.write') || can(caller.roles, 'learning.read');
}

/**
 * Who sees a course: staff within their scope in every status; anyone studying sees published
 * courses offered at their node (placed at it or above it).
 */
export function courseVisible(caller: Caller, course: Pick<Course, 'status' | 'orgPath'>): boolean {
  if (managesCourses(caller) && inCallerScope(caller, course.orgPath)) return true;
  return (
    course.status === 'published' &&
    can(caller.roles, 'learning.study') &&
    caller.orgPath !== '' &&
    offeredTo(course.orgPath, caller.orgPath)
  );
}

export class CourseUseCases {
  constructor(
    private readonly courses: CourseRepository,
    private readonly exams: ExamRepository,
    private readonly learners: LearnerRepository,
    private readonly ledger: LedgerUseCases,
    private readonly clock: Clock,
  ) {}

  async view(course: Course): Promise<CourseView> {
    const tableOn = await this.ledger.tableOn();
    const today = todayOf(this.clock);
    const hours = Object.fromEntries(course.units.map((u) => [u.id, unitHours(u, tableOn, today)]));
    return { ...course, unitHours: hours, quarterHours: Object.values(hours).reduce((a, b) => a + b, 0) };
  }

  /** A unit test must be an exam the author may use: in their scope or offered at their node. */
  private async checkUnitTests(caller: Caller, fields: CourseFields): Promise<void> {
    for (const [i, unit] of fields.units.entries()) {
      if (!unit.testExamId) continue;
      const exam = await this.exams.findExam(unit.testExamId);
      if (!exam || !(inCallerScope(caller, exam.orgPath) || offeredTo(exam.orgPath, ownNode(caller)))) {
        throw failedPrecondition('COURSE_UNIT_TEST_UNKNOWN', `unit ${i + 1}'s test ${unit.testExamId} is not an exam you can use`, {
          field: `units[${i}].testExamId`,
          examId: unit.testExamId,
        });
      }
    }
  }

  async create(caller: Caller, fields: CourseFields): Promise<CourseView> {
    authorize(caller, 'course.write');
    const valid = validateCourse(fields, randomUUID);
    await this.checkUnitTests(caller, valid);
    return this.view(await this.courses.create(valid, caller.userId, ownNode(caller)));
  }

  async get(caller: Caller, id: string): Promise<CourseView> {
    const course = await this.courses.find(id);
    if (!course || !courseVisible(caller, course)) throw courseNotFound(id);
    return this.view(course);
  }

  async list(caller: Caller, query: CourseQuery): Promise<Page<CourseView>> {
    const filter = {
      ...(query.category ? { category: query.category } : {}),
      ...(query.requirement ? { requirement: query.requirement } : {}),
    };
    let page: Page<Course>;
    if (query.forMe) {
      const learner = await selfLearner(this.learners, caller);
      // The audience is checked after the page is read: courses for others are few at a node.
      const all = await this.courses.list({ ...filter, status: 'published', placedAtOneOf: scopesCovering(learner.orgPath) }, 1, 10_000);
      const mine = all.items.filter((c) => inAudience(learner, c.audience));
      page = { items: mine.slice((query.page - 1) * query.size, query.page * query.size), total: mine.length };
    } else if (managesCourses(caller)) {
      page = await this.courses.list(
        { ...filter, ...(query.status ? { status: query.status } : {}), scope: scopeFilterPrefix(caller) ?? '/-none-/' },
        query.page,
        query.size,
      );
    } else {
      authorize(caller, 'learning.study');
      if (query.status && query.status !== 'published') return { items: [], total: 0 };
      page = await this.courses.list(
        { ...filter, status: 'published', placedAtOneOf: caller.orgPath ? scopesCovering(caller.orgPath) : [] },
        query.page,
        query.size,
      );
    }
    return { items: await Promise.all(page.items.map((c) => this.view(c))), total: page.total };
  }

  async update(caller: Caller, id: string, fields: EditableField[], values: CourseFields, expectedRevision: number): Promise<CourseView> {
    authorize(caller, 'course.write');
    const current = await this.courses.find(id);
    if (!current || !inCallerScope(caller, current.orgPath)) throw courseNotFound(id);
    assertDraft(current);
    assertRevision(expectedRevision, current, 'course');
    const merged: CourseFields = { ...current };
    for (const field of fields) (merged as unknown as Record<string, unknown>)[field] = values[field];
    const valid = validateCourse(merged, randomUUID);
    await this.checkUnitTests(caller, valid);
    return this.view(await this.courses.update(current, valid, fields, caller.userId));
  }

  async transition(caller: Caller, id: string, action: CourseAction, note: string): Promise<CourseView> {
    authorize(caller, 'course.publish');
    const current = await this.courses.find(id);
    if (!current || !inCallerScope(caller, current.orgPath)) throw courseNotFound(id);
    const step = applyCourseStep(current, action, caller.userId, this.clock.now().toISOString(), note);
    if (action === 'publish') {
      // A unit test must be published by the time learners can reach it.
      for (const unit of current.units.filter((u) => u.testExamId)) {
        const exam = await this.exams.findExam(unit.testExamId);
        if (exam?.status !== 'published')
          throw failedPrecondition('COURSE_UNIT_TEST_UNPUBLISHED', `the test of unit ${unit.title} is not published`, {
            unitId: unit.id,
            examId: unit.testExamId,
          });
      }
    }
    return this.view(await this.courses.recordStep(current, step));
  }
}
