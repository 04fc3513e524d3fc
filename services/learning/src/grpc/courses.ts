/** CourseService over gRPC: proto in, use case, proto out. */
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import { coursePaging, type CourseUseCases } from '../courses/use-cases';
import { editableFields } from '../domain/course';
import type { CourseAction, CourseCategory, CourseRequirement, CourseStatus } from '../domain/vocabulary';
import { courseFieldsFromDraft, toProtoCourse } from './mapping';

export const courseServiceName = 'learning.v1.CourseService';

export function courseService(courses: CourseUseCases): ServiceRegistration {
  return defineService(courseServiceName, pb.CourseServiceService, {
    createCourse: async (request, { caller }) => ({
      course: toProtoCourse(await courses.create(caller, courseFieldsFromDraft(request.draft))),
    }),

    getCourse: async (request, { caller }) => ({ course: toProtoCourse(await courses.get(caller, request.id)) }),

    listCourses: async (request, { caller }) => {
      const page = pageOf(request, coursePaging);
      const status = pb.courseStatusCodec.fromProto(request.status) as CourseStatus | undefined;
      const category = pb.courseCategoryCodec.fromProto(request.category) as CourseCategory | undefined;
      const requirement = pb.courseRequirementCodec.fromProto(request.requirement) as CourseRequirement | undefined;
      const result = await courses.list(caller, {
        ...page,
        forMe: request.forMe,
        ...(status ? { status } : {}),
        ...(category ? { category } : {}),
        ...(requirement ? { requirement } : {}),
      });
      return { courses: result.items.map(toProtoCourse), page: pageAnswer(page, result.total) };
    },

    updateCourse: async (request, { caller }) => {
      const fields = updateMaskOf(request.updateMask, editableFields);
      return {
        course: toProtoCourse(
          await courses.update(caller, request.id, fields, courseFieldsFromDraft(request.draft), request.expectedRevision),
        ),
      };
    },

    transitionCourse: async (request, { caller }) => {
      const action = pb.courseActionCodec.fromProto(request.action) as CourseAction | undefined;
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${pb.courseActionCodec.values.join(', ')}` }]);
      return { course: toProtoCourse(await courses.transition(caller, request.id, action, request.note)) };
    },
  });
}
