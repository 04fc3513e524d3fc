/** proto <-> domain for the feedback service; every enum through its generated codec. */
import * as pb from '@repo/proto/feedback/v1';
import type { Deadline } from '../domain/deadlines';
import type { Draft, Step } from '../domain/message';
import { isOverdue } from '../domain/message';
import type { Figures } from '../domain/statistics';
import type { PublicView, TrackedView } from '../domain/views';
import type { StaffStepInput, StaffView } from '../messages/use-cases';
import type { RecipientOrganization } from '../organizations/use-cases';
import type { StatisticsReport } from '../statistics/use-cases';
import type { LeaderPost } from '../store/leader-posts';
import type { MessageHit, MessageSearchResult } from '../store/search';

const {
  messageTypeCodec: types,
  messageStatusCodec: statuses,
  returnReasonCodec: reasons,
  stepActionCodec: actions,
  satisfactionCodec: satisfaction,
  deadlineStageCodec: stages,
  revisitResultCodec: revisits,
  organizationLevelCodec: levels,
} = pb;

/** An instant for a Timestamp field: absent when empty. */
const instant = (at: string) => at || undefined;

export function draftOf(draft: pb.MessageDraft | undefined): Draft {
  const d = draft ?? pb.MessageDraft.create();
  return {
    type: types.fromProto(d.type) ?? '',
    domain: d.domain,
    organizationId: d.organizationId,
    leaderPostId: d.leaderPostId,
    subject: d.subject,
    body: d.body,
    region: d.region,
    contact: d.contact,
    contactName: d.contactName,
  };
}

/** The step a TakeStep request names; undefined when it names none. */
export function stepInputOf(request: pb.TakeStepRequest): StaffStepInput | undefined {
  const step = request.step;
  switch (step?.$case) {
    case 'release':
      return { step: 'release', note: step.release.note };
    case 'accept':
      return { step: 'accept', note: step.accept.note };
    case 'return':
      return { step: 'return', reason: reasons.fromProto(step.return.reason) ?? '', note: step.return.note };
    case 'assign':
      return { step: 'assign', organizationId: step.assign.organizationId, note: step.assign.note };
    case 'dispute':
      return { step: 'dispute', reason: step.dispute.reason };
    case 'answerDispute':
      return { step: 'answerDispute', reassignTo: step.answerDispute.reassignToOrganizationId, note: step.answerDispute.note };
    case 'reply':
      return { step: 'reply', body: step.reply.body };
    case 'extend':
      return { step: 'extend', days: step.extend.days, reason: step.extend.reason };
    case 'merge':
      return { step: 'merge', into: step.merge.intoMessageId, note: step.merge.note };
    case 'rectify':
      return { step: 'rectify', note: step.rectify.note };
    case 'revisit':
      return { step: 'revisit', result: revisits.fromProto(step.revisit.result) ?? '', note: step.revisit.note };
    default:
      return undefined;
  }
}

function deadlineOf(deadline: Deadline | null | undefined): pb.Deadline | undefined {
  if (!deadline) return undefined;
  return pb.Deadline.create({
    stage: stages.toProto(deadline.stage),
    dueOn: deadline.dueOn,
    dueAt: instant(deadline.dueAt),
    warnAt: instant(deadline.warnAt),
    warnedAt: instant(deadline.warnedAt),
    overdueAt: instant(deadline.overdueAt),
    startedAt: instant(deadline.startedAt),
    workingDays: deadline.days,
    uncoveredYear: deadline.uncoveredYear,
  });
}

function stepOf(step: Step): pb.Step {
  return pb.Step.create({
    action: actions.toProto(step.action),
    fromStatus: statuses.toProto(step.from),
    toStatus: statuses.toProto(step.to),
    actor: step.actor,
    at: instant(step.at),
    note: step.note,
    organizationId: step.organizationId,
    organizationName: step.organizationName,
  });
}

const replyOf = (reply: PublicView['reply']) =>
  reply
    ? pb.Reply.create({
        body: reply.body,
        organizationId: reply.organizationId,
        organizationName: reply.organizationName,
        at: instant(reply.at),
        onTime: reply.onTime,
        workingDays: reply.workingDays,
      })
    : undefined;

const ratingOf = (rating: TrackedView['rating']) =>
  rating
    ? pb.Rating.create({
        attitude: rating.attitude,
        speed: rating.speed,
        overall: satisfaction.toProto(rating.overall),
        comment: rating.comment,
        at: instant(rating.at),
      })
    : undefined;

export function staffMessageOf({ message, mergedMessages }: StaffView): pb.Message {
  const rectification = message.rectification;
  return pb.Message.create({
    id: message.id,
    trackingCode: message.trackingCode,
    type: types.toProto(message.type),
    domain: message.domain,
    recipient: pb.Recipient.create(message.recipient),
    subject: message.subject,
    body: message.body,
    region: message.region,
    contact: message.contact,
    contactName: message.contactName,
    status: statuses.toProto(message.status),
    orgPath: message.orgPath,
    handlingOrganizationId: message.assignment?.organizationId ?? message.recipient.organizationId,
    handlingOrganizationName: message.assignment?.organizationName ?? message.recipient.organizationName,
    submittedAt: instant(message.submittedAt),
    acceptance: deadlineOf(message.acceptance),
    handling: deadlineOf(message.handling),
    extension: message.extension
      ? pb.Extension.create({ days: message.extension.days, reason: message.extension.reason, at: instant(message.extension.at) })
      : undefined,
    reply: replyOf(message.reply),
    rating: ratingOf(message.rating),
    rectification: rectification
      ? pb.Rectification.create({
          deadline: deadlineOf(rectification.deadline),
          note: rectification.note,
          rectifiedAt: instant(rectification.rectifiedAt),
          revisit: rectification.revisit
            ? pb.Revisit.create({
                result: revisits.toProto(rectification.revisit.result),
                note: rectification.revisit.note,
                at: instant(rectification.revisit.at),
                actor: rectification.revisit.by,
              })
            : undefined,
        })
      : undefined,
    returnReason: reasons.toProto(message.returned?.reason),
    returnNote: message.returned?.note ?? '',
    ratingWindow: deadlineOf(message.ratingWindow),
    disputeReason: message.disputeReason,
    mergedInto: message.mergedInto,
    mergedMessages,
    screenHits: message.screenHits,
    duplicateCandidates: message.duplicateCandidates.map((c) =>
      pb.DuplicateCandidate.create({ ...c, submittedAt: instant(c.submittedAt) }),
    ),
    overdue: isOverdue(message),
    history: message.history.map(stepOf),
    revision: message.revision,
    updatedAt: instant(message.updatedAt),
  });
}

export function publicMessageOf(view: PublicView): pb.PublicMessage {
  return pb.PublicMessage.create({
    id: view.id,
    type: types.toProto(view.type),
    domain: view.domain,
    recipient: pb.Recipient.create(view.recipient),
    subject: view.subject,
    body: view.body,
    region: view.region,
    status: statuses.toProto(view.status),
    handlingOrganizationName: view.handlingOrganizationName,
    submittedAt: instant(view.submittedAt),
    dueOn: view.dueOn,
    extension: view.extension ? pb.Extension.create({ ...view.extension, at: instant(view.extension.at) }) : undefined,
    reply: replyOf(view.reply),
    satisfaction: satisfaction.toProto(view.satisfaction),
    overdue: view.overdue,
    mergedCount: view.mergedCount,
    history: view.history.map(stepOf),
  });
}

export function trackedMessageOf(view: TrackedView): pb.TrackedMessage {
  return pb.TrackedMessage.create({
    message: publicMessageOf(view.message),
    trackingCode: view.trackingCode,
    returnReason: reasons.toProto(view.returnReason),
    returnNote: view.returnNote,
    rating: ratingOf(view.rating),
    canRate: view.canRate,
    mergedInto: view.mergedInto ? publicMessageOf(view.mergedInto) : undefined,
    rectificationDueOn: view.rectificationDueOn,
    rectified: view.rectified,
  });
}

function hitOf(hit: MessageHit): pb.SearchHit {
  return pb.SearchHit.create({
    id: hit.id,
    type: types.toProto(hit.type),
    domain: hit.domain,
    subject: hit.subject,
    region: hit.region,
    organizationName: hit.organizationName,
    status: statuses.toProto(hit.status),
    submittedAt: instant(hit.submittedAt),
    repliedAt: instant(hit.repliedAt),
    score: hit.score,
    subjectHighlights: hit.highlights.subject,
    bodyHighlights: hit.highlights.body,
    replyHighlights: hit.highlights.reply,
  });
}

export function searchResponseOf(result: MessageSearchResult, page: number, size: number): pb.SearchMessagesResponse {
  const facet = (buckets: { key: string; count: number }[]) =>
    buckets.map((b) => pb.FacetBucket.create({ key: b.key, count: String(b.count) }));
  return pb.SearchMessagesResponse.create({
    hits: result.hits.map(hitOf),
    page: { page, size, total: String(result.total) },
    typeFacets: facet(result.facets.type),
    domainFacets: facet(result.facets.domain),
    searchedFor: result.searchedFor ?? '',
  });
}

export function leaderPostOf(post: LeaderPost): pb.LeaderPost {
  return pb.LeaderPost.create({
    id: post.id,
    organizationId: post.organizationId,
    organizationName: post.organizationName,
    title: post.title,
    holderName: post.holderName,
    active: post.active,
  });
}

export function recipientOf(organization: RecipientOrganization): pb.RecipientOrganization {
  return pb.RecipientOrganization.create({
    id: organization.id,
    name: organization.name,
    level: levels.toProto(organization.level),
    parentId: organization.parentId,
    hasChildren: organization.hasChildren,
    leaderPosts: organization.leaderPosts.map(leaderPostOf),
  });
}

function figuresOf(figures: Figures): pb.Figures {
  const count = (n: number) => String(n);
  return pb.Figures.create({
    submitted: count(figures.submitted),
    received: count(figures.received),
    returned: count(figures.returned),
    merged: count(figures.merged),
    replied: count(figures.replied),
    replyRate: figures.replyRate,
    repliedOnTime: count(figures.repliedOnTime),
    overdue: count(figures.overdue),
    onTimeRate: figures.onTimeRate,
    handlingDaysP50: figures.handlingDaysP50,
    handlingDaysP90: figures.handlingDaysP90,
    ratings: count(figures.ratings),
    satisfaction: figures.satisfaction,
    attitudeStars: figures.attitudeStars,
    speedStars: figures.speedStars,
    unsatisfied: count(figures.unsatisfied),
    revisited: count(figures.revisited),
    revisitRate: figures.revisitRate,
  });
}

export function statisticsOf(report: StatisticsReport): pb.GetStatisticsResponse {
  return pb.GetStatisticsResponse.create({
    organizationId: report.organizationId,
    organizationName: report.organizationName,
    from: report.from,
    to: report.to,
    total: figuresOf(report.total),
    levels: report.levels.map((l) => pb.LevelFigures.create({ level: levels.toProto(l.level), figures: figuresOf(l.figures) })),
    organizations: report.organizations.map((o) =>
      pb.OrganizationFigures.create({
        organizationId: o.organizationId,
        organizationName: o.organizationName,
        level: levels.toProto(o.level),
        figures: figuresOf(o.figures),
      }),
    ),
    organizationsTotal: report.organizationsTotal,
    leaderPosts: report.leaderPosts.map((p) =>
      pb.LeaderPostFigures.create({
        leaderPostId: p.leaderPostId,
        title: p.title,
        organizationName: p.organizationName,
        figures: figuresOf(p.figures),
      }),
    ),
    computedThrough: instant(report.computedThrough),
  });
}
