/** Feedback answers (proto) as REST bodies: enums as words, instants as ISO strings or ''. */
import type * as pb from '@repo/proto/feedback/v1';
import { actions, levels, reasons, revisits, satisfactions, stages, statuses, types } from './schemas';

const instant = (at: string | undefined) => at ?? '';

const recipientOf = (r: pb.Recipient | undefined) => ({
  organizationId: r?.organizationId ?? '',
  organizationName: r?.organizationName ?? '',
  leaderPostId: r?.leaderPostId ?? '',
  leaderPostTitle: r?.leaderPostTitle ?? '',
});

const stepOf = (s: pb.Step) => ({
  action: actions.fromProto(s.action) ?? '',
  from: statuses.fromProto(s.fromStatus) ?? '',
  to: statuses.fromProto(s.toStatus) ?? '',
  at: instant(s.at),
  note: s.note,
  organizationId: s.organizationId,
  organizationName: s.organizationName,
});

const replyOf = (r: pb.Reply | undefined) => (r ? { ...r, at: instant(r.at) } : null);
const extensionOf = (e: pb.Extension | undefined) => (e ? { days: e.days, reason: e.reason, at: instant(e.at) } : null);
const ratingOf = (r: pb.Rating | undefined) =>
  r
    ? { attitude: r.attitude, speed: r.speed, overall: satisfactions.fromProto(r.overall) ?? '', comment: r.comment, at: instant(r.at) }
    : null;

export function publicMessageOf(m: pb.PublicMessage | undefined) {
  if (!m) throw new Error('service answered without a message');
  return {
    id: m.id,
    type: types.fromProto(m.type) ?? '',
    domain: m.domain,
    recipient: recipientOf(m.recipient),
    subject: m.subject,
    body: m.body,
    region: m.region,
    status: statuses.fromProto(m.status) ?? '',
    handlingOrganizationName: m.handlingOrganizationName,
    submittedAt: instant(m.submittedAt),
    dueOn: m.dueOn,
    extension: extensionOf(m.extension),
    reply: replyOf(m.reply),
    satisfaction: satisfactions.fromProto(m.satisfaction) ?? '',
    overdue: m.overdue,
    mergedCount: m.mergedCount,
    history: m.history.map(stepOf),
  };
}

export function trackedMessageOf(t: pb.TrackedMessage | undefined) {
  if (!t) throw new Error('service answered without a message');
  return {
    message: publicMessageOf(t.message),
    trackingCode: t.trackingCode,
    returnReason: reasons.fromProto(t.returnReason) ?? '',
    returnNote: t.returnNote,
    rating: ratingOf(t.rating),
    canRate: t.canRate,
    mergedInto: t.mergedInto ? publicMessageOf(t.mergedInto) : null,
    rectificationDueOn: t.rectificationDueOn,
    rectified: t.rectified,
  };
}

const deadlineOf = (d: pb.Deadline | undefined) =>
  d
    ? {
        stage: stages.fromProto(d.stage) ?? '',
        dueOn: d.dueOn,
        dueAt: instant(d.dueAt),
        warnAt: instant(d.warnAt),
        warnedAt: instant(d.warnedAt),
        overdueAt: instant(d.overdueAt),
        startedAt: instant(d.startedAt),
        workingDays: d.workingDays,
        uncoveredYear: d.uncoveredYear,
      }
    : null;

export function staffMessageOf(m: pb.Message | undefined) {
  if (!m) throw new Error('service answered without a message');
  const rectification = m.rectification;
  return {
    ...m,
    type: types.fromProto(m.type) ?? '',
    recipient: recipientOf(m.recipient),
    status: statuses.fromProto(m.status) ?? '',
    submittedAt: instant(m.submittedAt),
    acceptance: deadlineOf(m.acceptance),
    handling: deadlineOf(m.handling),
    ratingWindow: deadlineOf(m.ratingWindow),
    extension: extensionOf(m.extension),
    reply: replyOf(m.reply),
    rating: ratingOf(m.rating),
    rectification: rectification
      ? {
          deadline: deadlineOf(rectification.deadline),
          note: rectification.note,
          rectifiedAt: instant(rectification.rectifiedAt),
          revisit: rectification.revisit
            ? {
                result: revisits.fromProto(rectification.revisit.result) ?? '',
                note: rectification.revisit.note,
                at: instant(rectification.revisit.at),
                actor: rectification.revisit.actor,
              }
            : null,
        }
      : null,
    returnReason: reasons.fromProto(m.returnReason) ?? '',
    duplicateCandidates: m.duplicateCandidates.map((c) => ({ ...c, submittedAt: instant(c.submittedAt) })),
    history: m.history.map((s) => ({ ...stepOf(s), actor: s.actor })),
    updatedAt: instant(m.updatedAt),
  };
}

export const pageFieldsOf = (page: pb.ListMessagesResponse['page']) => ({
  total: Number(page?.total ?? 0),
  page: page?.page ?? 1,
  size: page?.size ?? 0,
});

const figuresOf = (f: pb.Figures | undefined) => {
  const n = (value: string | undefined) => Number(value ?? 0);
  return {
    submitted: n(f?.submitted),
    received: n(f?.received),
    returned: n(f?.returned),
    merged: n(f?.merged),
    replied: n(f?.replied),
    replyRate: f?.replyRate ?? 0,
    repliedOnTime: n(f?.repliedOnTime),
    overdue: n(f?.overdue),
    onTimeRate: f?.onTimeRate ?? 0,
    handlingDaysP50: f?.handlingDaysP50 ?? 0,
    handlingDaysP90: f?.handlingDaysP90 ?? 0,
    ratings: n(f?.ratings),
    satisfaction: f?.satisfaction ?? 0,
    attitudeStars: f?.attitudeStars ?? 0,
    speedStars: f?.speedStars ?? 0,
    unsatisfied: n(f?.unsatisfied),
    revisited: n(f?.revisited),
    revisitRate: f?.revisitRate ?? 0,
  };
};

export function statisticsOf(s: pb.GetStatisticsResponse) {
  return {
    organizationId: s.organizationId,
    organizationName: s.organizationName,
    from: s.from,
    to: s.to,
    total: figuresOf(s.total),
    levels: s.levels.map((l) => ({ level: levels.fromProto(l.level) ?? '', figures: figuresOf(l.figures) })),
    organizations: s.organizations.map((o) => ({
      organizationId: o.organizationId,
      organizationName: o.organizationName,
      level: levels.fromProto(o.level) ?? '',
      figures: figuresOf(o.figures),
    })),
    organizationsTotal: s.organizationsTotal,
    leaderPosts: s.leaderPosts.map((p) => ({
      leaderPostId: p.leaderPostId,
      title: p.title,
      organizationName: p.organizationName,
      figures: figuresOf(p.figures),
    })),
    computedThrough: instant(s.computedThrough),
  };
}
