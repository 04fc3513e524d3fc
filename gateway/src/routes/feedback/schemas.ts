/**
 * REST shapes of the feedback routes, in TypeBox: they validate requests and feed OpenAPI. Enum
 * words come from the proto codecs. Public shapes carry no contact detail, no writer and no
 * staff note: a field a response schema does not name is never sent.
 */
import {
  deadlineStageCodec as stages,
  messageStatusCodec as statuses,
  messageTypeCodec as types,
  organizationLevelCodec as levels,
  returnReasonCodec as reasons,
  revisitResultCodec as revisits,
  satisfactionCodec as satisfactions,
  searchSortCodec as sorts,
  stepActionCodec as actions,
} from '@repo/proto/feedback/v1';
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { calendarDate, expectedRevision, Id, int32, oneOf, PageFields, pageQuery } from '../common';

export { actions, levels, reasons, revisits, satisfactions, sorts, stages, statuses, types };

export const limits = {
  subject: 80,
  body: 3_000,
  region: 50,
  contactName: 30,
  contact: 100,
  domain: 20,
  note: 500,
  reply: 5_000,
  comment: 500,
  title: 30,
} as const;

const text = (max: number, description: string, minLength = 1) => Type.String({ minLength, maxLength: max, description });
const note = (description = 'A remark kept on the step') => Type.Optional(text(limits.note, description, 0));
const typeText = '感谢 thanks, 建言 suggestion, 求助 help, 投诉 complaint, 咨询 consultation';
const statusText =
  'held 待审核, submitted 待受理, accepted 已受理, returned 退回, assigned 已转办, disputed 派单异议, replied 已答复, closed 办结, merged 并单';

export const SubmitBody = Type.Object(
  {
    type: oneOf(types.values, typeText),
    domain: text(limits.domain, 'One of the domains of GET /message-catalogue (城建, 交通, 三农 ...)'),
    organizationId: Type.Optional(Id('The organisation written to; or give leaderPostId')),
    leaderPostId: Type.Optional(Id("A leader's post (GET /message-recipients lists them); or give organizationId")),
    subject: text(limits.subject, 'Subject'),
    body: text(limits.body, 'What the matter is'),
    region: text(limits.region, 'Where it is, e.g. 江川市临河区'),
    contact: text(limits.contact, 'A mobile number, a landline with its area code, or an e-mail address; never shown publicly'),
    contactName: Type.Optional(text(limits.contactName, 'How to address the writer when calling back (称呼); never shown publicly', 0)),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

const trackingCode = Type.String({
  minLength: 12,
  maxLength: 20,
  description: 'The code the confirmation showed, e.g. 7KQ2-M9XD-4HPA (case and dashes do not matter)',
});
const trackingContact = text(limits.contact, 'The contact the message was written with');

export const TrackBody = Type.Object({ trackingCode, contact: trackingContact }, { additionalProperties: false });

const stars = (description: string) => int32({ minimum: 1, maximum: 5, description });
export const RatingBody = Type.Object(
  {
    trackingCode,
    contact: trackingContact,
    attitude: stars('办理态度, 1 to 5 stars'),
    speed: stars('办理速度, 1 to 5 stars'),
    overall: oneOf(
      satisfactions.values,
      '非常满意 verySatisfied, 满意 satisfied, 基本满意 basicallySatisfied, 不满意 dissatisfied, 非常不满意 veryDissatisfied',
    ),
    comment: Type.Optional(text(limits.comment, 'Shown to staff with the rating', 0)),
  },
  { additionalProperties: false },
);

export const PublicListQuery = Type.Object(
  {
    type: Type.Optional(oneOf(types.values, typeText)),
    domain: Type.Optional(text(limits.domain, 'Domain')),
    organizationId: Type.Optional(Id('Messages written to or handled by this organisation')),
    leaderPostId: Type.Optional(Id('Messages written to this leader post')),
    repliedOnly: Type.Optional(Type.Boolean({ description: 'Only messages with a published reply' })),
    ...pageQuery(50),
  },
  { additionalProperties: false },
);

export const MineQuery = Type.Object({ ...pageQuery(100) }, { additionalProperties: false });

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words of the subject, the message or the reply; pinyin is spelled out' })),
    type: Type.Optional(oneOf(types.values, typeText)),
    domain: Type.Optional(text(limits.domain, 'Domain')),
    region: Type.Optional(text(limits.region, 'Region as written')),
    organizationId: Type.Optional(Id('Written to or handled by this organisation')),
    repliedOnly: Type.Optional(Type.Boolean()),
    sort: Type.Optional(oneOf(sorts.values, 'relevance (default with a query) or date (newest first)')),
    ...pageQuery(50),
  },
  { additionalProperties: false },
);

export const RecipientsQuery = Type.Object(
  { parentId: Type.Optional(Id('The organisation whose children to list; omit for the top of the tree')) },
  { additionalProperties: false },
);

export const StaffListQuery = Type.Object(
  {
    status: Type.Optional(oneOf(statuses.values, statusText)),
    type: Type.Optional(oneOf(types.values, typeText)),
    domain: Type.Optional(text(limits.domain, 'Domain')),
    handlingOrganizationId: Type.Optional(Id('Messages this organisation handles itself')),
    overdueOnly: Type.Optional(Type.Boolean({ description: 'Only messages past a deadline and unanswered' })),
    ...pageQuery(100),
  },
  { additionalProperties: false },
);

export const StatisticsQuery = Type.Object(
  {
    organizationId: Type.Optional(Id("The subtree counted; omit for the caller's own node")),
    from: calendarDate('First submission date counted'),
    to: calendarDate('Last submission date counted'),
    organizationRows: Type.Optional(int32({ minimum: 1, maximum: 500, default: 50, description: 'At most this many organisation rows' })),
  },
  { additionalProperties: false },
);

export const LeaderPostBody = Type.Object(
  {
    organizationId: Id('The organisation of the post'),
    title: text(limits.title, 'e.g. 书记, 副书记'),
    holderName: Type.Optional(text(limits.title, "The holder's name as published; may be left out", 0)),
  },
  { additionalProperties: false },
);

/** The body of each workflow step's route, and the step it is. */
const step = (fields: TProperties) => Type.Object({ ...fields, expectedRevision: expectedRevision() }, { additionalProperties: false });

export const StepBodies = {
  release: step({ note: note('Why the held message is fine') }),
  accept: step({ note: note() }),
  return: step({
    reason: oneOf(reasons.values, 'abusive, duplicate, outsideScope, petition (信访), court'),
    note: text(limits.note, 'Shown to the writer'),
  }),
  assign: step({ organizationId: Id('The organisation to handle it, in your scope'), note: note() }),
  dispute: step({ reason: text(limits.note, 'Why the assignment is wrong (派单异议)') }),
  'answer-dispute': step({
    reassignToOrganizationId: Type.Optional(Id('Forward to this organisation; leave out to uphold the assignment')),
    note: note('Required to uphold: why the assignment stands'),
  }),
  reply: step({ body: text(limits.reply, 'The reply, published at once') }),
  extend: step({
    days: int32({ minimum: 1, maximum: 60, description: 'Working days added (15 in all at most)' }),
    reason: text(limits.note, 'Shown publicly'),
  }),
  merge: step({ intoMessageId: Id('The thread this message joins (并单)'), note: note() }),
  rectify: step({ note: text(limits.note, 'What was done about the unsatisfied rating') }),
  revisit: step({
    result: oneOf(revisits.values, 'resolved, unresolved or unreachable'),
    note: text(limits.note, 'What the revisit (回访) found'),
  }),
} as const;
export type StepName = keyof typeof StepBodies;

// Responses ----------------------------------------------------------------------------------

const time = (description = 'ISO-8601 instant; empty when none') => Type.String({ description });

const Recipient = Type.Object({
  organizationId: Type.String(),
  organizationName: Type.String(),
  leaderPostId: Type.String(),
  leaderPostTitle: Type.String(),
});

const PublicStep = Type.Object({
  action: Type.String(),
  from: Type.String(),
  to: Type.String(),
  at: time(),
  note: Type.String({ description: 'Public notes only: an extension’s reason' }),
  organizationId: Type.String(),
  organizationName: Type.String(),
});

const Reply = Type.Object({
  body: Type.String(),
  organizationId: Type.String(),
  organizationName: Type.String(),
  at: time(),
  onTime: Type.Boolean(),
  workingDays: Type.Integer({ description: 'Working days from submission to the reply' }),
});

const Extension = Type.Object({ days: Type.Integer(), reason: Type.String(), at: time() });

/** What every view of a message shows: what was written, to whom. */
const written = {
  id: Type.String(),
  type: Type.String(),
  domain: Type.String(),
  recipient: Recipient,
  subject: Type.String(),
  body: Type.String(),
  region: Type.String(),
  status: Type.String({ description: statusText }),
};

export const PublicMessageBody = Type.Object(
  {
    ...written,
    handlingOrganizationName: Type.String(),
    submittedAt: time(),
    dueOn: Type.String({ description: 'The handling deadline’s last working day (YYYY-MM-DD), empty before acceptance' }),
    extension: Type.Union([Extension, Type.Null()]),
    reply: Type.Union([Reply, Type.Null()]),
    satisfaction: Type.String({ description: 'The writer’s overall rating, empty when none' }),
    overdue: Type.Boolean(),
    mergedCount: Type.Integer({ description: 'Messages merged into this thread (并单)' }),
    history: Type.Array(PublicStep),
  },
  { title: 'PublicMessage' },
);

const Rating = Type.Object({ attitude: Type.Integer(), speed: Type.Integer(), overall: Type.String(), comment: Type.String(), at: time() });

export const TrackedMessageBody = Type.Object(
  {
    message: PublicMessageBody,
    trackingCode: Type.String(),
    returnReason: Type.String(),
    returnNote: Type.String(),
    rating: Type.Union([Rating, Type.Null()]),
    canRate: Type.Boolean(),
    mergedInto: Type.Union([PublicMessageBody, Type.Null()], {
      description: 'The thread this message was merged into, whose reply answers it',
    }),
    rectificationDueOn: Type.String(),
    rectified: Type.Boolean(),
  },
  { title: 'TrackedMessage' },
);

export const SubmittedBody = Type.Object({
  trackingCode: Type.String({ description: 'Shown once: the writer follows the message with it and the contact' }),
  message: TrackedMessageBody,
});

export const PublicListBody = Type.Object({ ...PageFields, items: Type.Array(PublicMessageBody) });
export const TrackedListBody = Type.Object({ ...PageFields, items: Type.Array(TrackedMessageBody) });

const Facet = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));
export const SearchResultBody = Type.Object({
  ...PageFields,
  hits: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      domain: Type.String(),
      subject: Type.String(),
      region: Type.String(),
      organizationName: Type.String(),
      status: Type.String(),
      submittedAt: time(),
      repliedAt: time(),
      highlights: Type.Object(
        { subject: Type.Array(Type.String()), body: Type.Array(Type.String()), reply: Type.Array(Type.String()) },
        { description: 'HTML: what people wrote is escaped, matches are wrapped in <em>' },
      ),
    }),
  ),
  facets: Type.Object({ type: Facet, domain: Facet }),
  searchedFor: Type.Optional(Type.String({ description: 'What was searched when it differs from what was typed (pinyin spelled out)' })),
});

const LeaderPostItem = Type.Object({
  id: Type.String(),
  organizationId: Type.String(),
  organizationName: Type.String(),
  title: Type.String(),
  holderName: Type.String(),
  active: Type.Boolean(),
});
export const LeaderPostResponse = Type.Object(LeaderPostItem.properties, { $id: 'LeaderPost', title: 'LeaderPost' });

export const RecipientsBody = Type.Object({
  organizations: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      level: Type.String(),
      parentId: Type.String(),
      hasChildren: Type.Boolean(),
      leaderPosts: Type.Array(LeaderPostItem),
    }),
  ),
});

export const CatalogueBody = Type.Object({
  types: Type.Array(
    Type.Object({ type: Type.String(), handlingDays: Type.Integer({ description: 'Working days to reply after acceptance' }) }),
  ),
  domains: Type.Array(Type.String()),
  acceptanceDays: Type.Integer({ description: 'Working days to accept (签收)' }),
  maxHandlingDays: Type.Integer({ description: 'The handling deadline with its one extension never exceeds this' }),
  ratingWindowDays: Type.Integer({ description: 'Working days the writer has to rate a reply; then it closes without one' }),
  rectificationDays: Type.Integer({ description: 'Working days to rectify after an unsatisfied rating' }),
  returnReasons: Type.Array(Type.String()),
  satisfactionLevels: Type.Array(Type.String()),
  yearsCovered: Type.Array(
    Type.String({ description: 'Years of the working-day calendar; deadlines beyond them are refused, never guessed' }),
  ),
});

const Deadline = Type.Object({
  stage: Type.String(),
  dueOn: Type.String({ description: 'Empty while the working-day calendar lacks its year (uncoveredYear)' }),
  dueAt: time(),
  warnAt: time('When the parent organisation is told (督办)'),
  warnedAt: time(),
  overdueAt: time(),
  startedAt: time(),
  workingDays: Type.Integer(),
  uncoveredYear: Type.String(),
});

const StaffStep = Type.Object({ ...PublicStep.properties, actor: Type.String({ description: 'Staff user id, writer or system' }) });

export const StaffMessageBody = Type.Object(
  {
    ...written,
    trackingCode: Type.String(),
    contact: Type.String(),
    contactName: Type.String(),
    orgPath: Type.String(),
    handlingOrganizationId: Type.String(),
    handlingOrganizationName: Type.String(),
    submittedAt: time(),
    acceptance: Type.Union([Deadline, Type.Null()]),
    handling: Type.Union([Deadline, Type.Null()]),
    ratingWindow: Type.Union([Deadline, Type.Null()]),
    extension: Type.Union([Extension, Type.Null()]),
    reply: Type.Union([Reply, Type.Null()]),
    rating: Type.Union([Rating, Type.Null()]),
    rectification: Type.Union([
      Type.Object({
        deadline: Type.Union([Deadline, Type.Null()]),
        note: Type.String(),
        rectifiedAt: time(),
        revisit: Type.Union([Type.Object({ result: Type.String(), note: Type.String(), at: time(), actor: Type.String() }), Type.Null()]),
      }),
      Type.Null(),
    ]),
    returnReason: Type.String(),
    returnNote: Type.String(),
    disputeReason: Type.String(),
    mergedInto: Type.String(),
    mergedMessages: Type.Array(Type.String()),
    screenHits: Type.Array(Type.String({ description: 'Words of the sensitive-word screen it hit' })),
    duplicateCandidates: Type.Array(
      Type.Object({ messageId: Type.String(), similarity: Type.Number(), submittedAt: time(), subject: Type.String() }),
    ),
    overdue: Type.Boolean(),
    history: Type.Array(StaffStep),
    revision: Type.Integer(),
    updatedAt: time(),
  },
  { $id: 'FeedbackMessage', title: 'FeedbackMessage' },
);

export const StaffListBody = Type.Object({ ...PageFields, items: Type.Array(StaffMessageBody) });

const Figures = Type.Object({
  submitted: Type.Integer({ description: 'Written in the period' }),
  received: Type.Integer({ description: 'Written minus returned and merged: what had to be answered' }),
  returned: Type.Integer(),
  merged: Type.Integer(),
  replied: Type.Integer(),
  replyRate: Type.Number({ description: 'replied ÷ received (回复率)' }),
  repliedOnTime: Type.Integer(),
  overdue: Type.Integer({ description: 'Unreplied and past a deadline' }),
  onTimeRate: Type.Number({ description: 'repliedOnTime ÷ (replied + overdue) (按时办结率)' }),
  handlingDaysP50: Type.Integer({ description: 'Working days from submission to reply, median' }),
  handlingDaysP90: Type.Integer(),
  ratings: Type.Integer(),
  satisfaction: Type.Number({ description: 'Ratings at 基本满意 or better ÷ ratings (满意率)' }),
  attitudeStars: Type.Number({ description: 'Mean stars for 办理态度' }),
  speedStars: Type.Number({ description: 'Mean stars for 办理速度' }),
  unsatisfied: Type.Integer(),
  revisited: Type.Integer(),
  revisitRate: Type.Number({ description: 'Unsatisfied ratings revisited ÷ unsatisfied ratings (回访率)' }),
});

export const StatisticsBody = Type.Object({
  organizationId: Type.String(),
  organizationName: Type.String(),
  from: Type.String(),
  to: Type.String(),
  total: Figures,
  levels: Type.Array(Type.Object({ level: Type.String(), figures: Figures })),
  organizations: Type.Array(
    Type.Object({ organizationId: Type.String(), organizationName: Type.String(), level: Type.String(), figures: Figures }),
  ),
  organizationsTotal: Type.Integer(),
  leaderPosts: Type.Array(
    Type.Object({ leaderPostId: Type.String(), title: Type.String(), organizationName: Type.String(), figures: Figures }),
  ),
  computedThrough: time('Changes after this instant are not counted yet (a job recomputes the statistics)'),
});
