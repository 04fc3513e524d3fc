/** A person's trainings as the duplicate rules and the training archive see them. */
import type { Training } from '../domain/training';
import type { Enrolment } from '../domain/enrolment';

/** An enrolment as a training record: the course it is in, its status and the hours it earned. */
export function trainingOfEnrolment(enrolment: Enrolment): Training {
  const c = enrolment.course;
  return {
    id: enrolment.id,
    memberId: enrolment.memberId,
    courseId: enrolment.courseId,
    title: c.title,
    topic: c.topic,
    courseCode: c.code,
    organiserKind: c.organiserKind,
    organiserName: c.organiserName,
    mode: c.offline ? 'offline' : 'online',
    fullTime: c.fullTime,
    startDate: c.startDate,
    endDate: c.endDate,
    quarterHours: enrolment.quarterHours,
    certificateNumber: '',
    status: enrolment.status,
    override: enrolment.override,
    orgPath: enrolment.orgPath,
    createdBy: enrolment.enrolledBy,
    createdAt: enrolment.enrolledAt,
  };
}
