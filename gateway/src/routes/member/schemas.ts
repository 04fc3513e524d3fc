/**
 * The member service's REST schemas in one place: what each route accepts and answers, named by
 * resource. The route files map them to and from the contract; the OpenAPI document is built from these.
 */
import { roles as roleNames } from '@repo/access';
import {
  billingRunStateCodec as billingRunStates,
  duesCategoryCodec as duesCategories,
  educationCodec as educations,
  genderCodec as genders,
  meetingTypeCodec as meetingTypes,
  memberStageCodec as stages,
  organizationKindCodec as kinds,
  transferStatusCodec as statuses,
  transferStepActionCodec as steps,
} from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import {} from '../../errors';
import { calendarDate, expectedRevision, Id, int64, oneOf, PageFields, pageQuery } from '../common';

// The organisation tree

export const kindText = 'committee 党委, generalBranch 党总支, branch 党支部, group 党小组';

export const OrganizationBody = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: oneOf(kinds.values, kindText),
    parentId: Type.String(),
    path: Type.String({ description: 'Materialised path of ids, this node last: /a/b/c/' }),
    depth: Type.Integer(),
    code: Type.String(),
    childCount: Type.Integer(),
    memberCount: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Organization' },
);

export const organizationName = Type.String({ minLength: 1, maxLength: 100, description: 'e.g. 中共江川省委组织部机关第一党支部' });
export const organizationCode = Type.String({
  maxLength: 40,
  pattern: '^[A-Za-z0-9_-]*$',
  description: 'Optional code used by imports (组织编码); unique',
});

export const CreateOrganizationBody = Type.Object(
  {
    parentId: Type.Optional(Id('Parent node; omit for a top-level committee (superAdmin only)')),
    name: organizationName,
    kind: oneOf(kinds.values, kindText),
    code: Type.Optional(organizationCode),
  },
  { additionalProperties: false },
);
export const UpdateOrganizationBody = Type.Object(
  { name: Type.Optional(organizationName), code: Type.Optional(organizationCode), expectedRevision: expectedRevision() },
  { additionalProperties: false, minProperties: 1 },
);
export const MoveOrganizationBody = Type.Object(
  { newParentId: Type.Union([Id('New parent node'), Type.Null()], { description: 'null moves a committee to the top (superAdmin only)' }) },
  { additionalProperties: false },
);
export const OrganizationListQuery = Type.Object(
  {
    ...pageQuery(),
    parentId: Type.Optional(Id("Children of this node; omit for the caller's own top nodes")),
    descendants: Type.Optional(Type.Boolean({ description: 'Every node below parentId, not only its children' })),
    kind: Type.Optional(oneOf(kinds.values, kindText)),
  },
  { additionalProperties: false },
);
export const OrganizationListBody = Type.Object({ ...PageFields, items: Type.Array(OrganizationBody) });

// Members

export const stageText =
  'applicant 入党申请人, activist 入党积极分子, candidate 发展对象, probationary 预备党员, full 正式党员, disqualified 取消资格';
export const genderText = 'male 男, female 女';

export const KeyDates = Type.Object(
  {
    applicationDate: Type.Optional(calendarDate('Application 申请入党')),
    activistDate: Type.Optional(calendarDate('Became an activist 确定积极分子')),
    candidateDate: Type.Optional(calendarDate('Became a candidate 确定发展对象')),
    probationaryDate: Type.Optional(calendarDate('Admitted on probation 接收预备党员')),
    fullDate: Type.Optional(calendarDate('Full membership 转正')),
  },
  { additionalProperties: false },
);

export const profileFields = {
  name: Type.String({ minLength: 1, maxLength: 50 }),
  gender: oneOf(genders.values, genderText),
  ethnicity: Type.String({ minLength: 2, maxLength: 10, description: '民族 in full, e.g. 汉族' }),
  birthDate: calendarDate('Birth date'),
  nationalId: Type.String({ minLength: 18, maxLength: 18, description: '公民身份号码 (18 characters, checksum verified)' }),
  education: oneOf(educations.values, 'Highest education'),
  phone: Type.String({ maxLength: 20, description: 'Mainland mobile number' }),
  organizationId: Id('The branch (党支部) the member belongs to'),
  // A record starts anywhere in the pipeline but outside it.
  stage: oneOf(
    stages.values.filter((s) => s !== 'disqualified'),
    stageText,
  ),
  keyDates: KeyDates,
  duesCategory: oneOf(duesCategories.values, 'Dues category'),
  duesIncomeFen: int64({
    minimum: 0,
    description: "Monthly income in fen the dues are based on (last year's annual income for annualSalary)",
  }),
};

export const CreateMemberBody = Type.Object(
  {
    ...profileFields,
    phone: Type.Optional(profileFields.phone),
    keyDates: Type.Optional(profileFields.keyDates),
    duesCategory: Type.Optional(profileFields.duesCategory),
    duesIncomeFen: Type.Optional(profileFields.duesIncomeFen),
  },
  { additionalProperties: false },
);
export type CreateMemberBody = Static<typeof CreateMemberBody>;

export const UpdateMemberBody = Type.Object(
  {
    name: Type.Optional(profileFields.name),
    gender: Type.Optional(profileFields.gender),
    ethnicity: Type.Optional(profileFields.ethnicity),
    birthDate: Type.Optional(profileFields.birthDate),
    nationalId: Type.Optional(profileFields.nationalId),
    education: Type.Optional(profileFields.education),
    phone: Type.Optional(Type.Union([profileFields.phone, Type.Null()])),
    keyDates: Type.Optional(profileFields.keyDates),
    duesCategory: Type.Optional(profileFields.duesCategory),
    duesIncomeFen: Type.Optional(profileFields.duesIncomeFen),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const StageBody = Type.Object(
  {
    // Every step leads somewhere past the application.
    stage: oneOf(
      stages.values.filter((s) => s !== 'applicant'),
      stageText,
    ),
    date: calendarDate('Date of the decision'),
    decisionRef: Type.String({ minLength: 1, maxLength: 100, description: 'The branch decision (支部大会决议) or approval reference' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    trainingHours: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'activist -> candidate: class hours of training (at least 24)' }),
    ),
    politicalReviewPassed: Type.Optional(Type.Boolean({ description: 'activist -> candidate: political review 政审 passed' })),
    higherApprovalRef: Type.Optional(
      Type.String({ maxLength: 100, description: 'candidate -> probationary: approval by the higher committee' }),
    ),
    extensionMonths: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 12, description: 'probationary -> probationary: extend probation once, by 1 to 12 months' }),
    ),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false },
);

export const MemberStepBody = Type.Object({
  stage: oneOf(stages.values, stageText),
  date: Type.String(),
  decisionRef: Type.String(),
  approvedBy: Type.String(),
  note: Type.String(),
  extensionMonths: Type.Integer(),
  higherApprovalRef: Type.String(),
});

export const MemberBody = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    gender: oneOf(genders.values, genderText),
    ethnicity: Type.String(),
    birthDate: Type.String(),
    nationalId: Type.String({ description: 'Masked (110***********0014) unless revealed' }),
    nationalIdMasked: Type.Boolean(),
    education: oneOf(educations.values, 'Highest education'),
    phone: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    stage: oneOf(stages.values, stageText),
    keyDates: Type.Record(Type.String(), Type.String()),
    history: Type.Array(MemberStepBody),
    duesCategory: oneOf(duesCategories.values, 'Dues category'),
    duesIncomeFen: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Member' },
);

export const MemberListQuery = Type.Object(
  {
    ...pageQuery(),
    pageToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1_000,
        description:
          "The previous answer's nextPageToken: the page after it, in the order of organisation path, name and id (page is then ignored). Without it, page 1 is the first page; a page above 1 pages by offset, which reads every member before the page and is slow for a city or a province",
      }),
    ),
    withTotal: Type.Optional(
      Type.Boolean({ default: false, description: 'Count every matching member into total (reads the whole scope)' }),
    ),
    organizationId: Type.Optional(Id('Members of this node and every node below it')),
    stage: Type.Optional(oneOf(stages.values, stageText)),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Name prefix' })),
    gender: Type.Optional(oneOf(genders.values, genderText)),
  },
  { additionalProperties: false },
);

export const MemberListBody = Type.Object({
  total: Type.Optional(Type.Integer({ description: 'Every matching member; only with withTotal=true' })),
  page: Type.Integer(),
  size: Type.Integer(),
  nextPageToken: Type.String({
    description:
      'Pass as pageToken for the next page; empty on the last. A page may hold fewer than size members and still have a next one',
  }),
  items: Type.Array(MemberBody),
});

export const MemberGetQuery = Type.Object(
  {
    revealNationalId: Type.Optional(
      Type.Boolean({ description: 'Unmasked national ID and phone (member.readNationalId); every such read is recorded' }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 200, description: 'Why the full number is needed (required with revealNationalId)' })),
  },
  { additionalProperties: false },
);

export const ImportQuery = Type.Object(
  {
    importValidOnly: Type.Optional(Type.Boolean({ description: 'Import the valid rows even when some are invalid' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Validate and report only' })),
  },
  { additionalProperties: false },
);

export const ImportReport = Type.Object({
  rows: Type.Integer(),
  imported: Type.Integer(),
  invalidRows: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), problem: Type.String() }), {
    description: 'The first 200 errors by line',
  }),
  errorCount: Type.Integer({ description: 'All the errors, listed or not' }),
  warnings: Type.Array(Type.String()),
});

// Sign-in and users

export const passwordRule = 'At least 12 characters of 3 kinds (lower, upper, digit, other), not containing the user name';

export const UserBody = Type.Object(
  {
    id: Type.String(),
    userName: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
    organizationId: Type.String(),
    orgPath: Type.String(),
    memberId: Type.String(),
    lockedUntil: Type.Union([Type.String(), Type.Null()]),
    disabled: Type.Boolean({ description: 'A disabled user signs in no more and cannot refresh' }),
    createdAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'User' },
);

export const TokensBody = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  accessExpiresAt: Type.String(),
  refreshToken: Type.String(),
  refreshExpiresAt: Type.String(),
  user: UserBody,
});

export const LoginBody = Type.Object(
  {
    userName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const CreateUserBody = Type.Object(
  {
    userName: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    displayName: Type.String({ minLength: 1, maxLength: 50 }),
    password: Type.String({ minLength: 12, maxLength: 128, description: passwordRule }),
    roles: Type.Array(oneOf(roleNames, 'Role'), { minItems: 1, maxItems: 5, uniqueItems: true }),
    organizationId: Type.Optional(Id("The user's organisation node (empty only for a superAdmin)")),
    memberId: Type.Optional(Id("The user's own member record, in the caller's scope")),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 12, maxLength: 128, description: passwordRule }),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    roles: Type.Optional(
      Type.Array(oneOf(roleNames, 'Role'), {
        minItems: 1,
        maxItems: 5,
        uniqueItems: true,
        description: "Replaces the roles; takes effect at the user's next refresh",
      }),
    ),
    organizationId: Type.Optional(Type.String({ maxLength: 64, description: 'The user\'s organisation node ("" only for a superAdmin)' })),
    memberId: Type.Optional(
      Type.Union([Id("The user's own member record, in the caller's scope"), Type.Literal('')], { description: '"" unlinks it' }),
    ),
    disabled: Type.Optional(Type.Boolean({ description: 'Disable (every session ends) or enable the account' })),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);

// Transfers 组织关系转接

export const transferStatusText = 'initiated -> approvedByOrigin -> received -> completed, or rejected / expired';

export const TransferStepBody = Type.Object({
  action: oneOf(steps.values, 'The step taken'),
  fromStatus: Type.Union([oneOf(statuses.values, transferStatusText), Type.Null()], { description: 'null for the first step' }),
  toStatus: oneOf(statuses.values, transferStatusText),
  actor: Type.String({ description: 'User id, or "system" for the expiry and completion jobs' }),
  at: Type.String(),
  reason: Type.String(),
});

export const TransferBody = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    memberName: Type.String(),
    fromOrganizationId: Type.String(),
    fromOrgPath: Type.String(),
    toOrganizationId: Type.String(),
    toOrgPath: Type.String(),
    status: oneOf(statuses.values, transferStatusText),
    initiatedAt: Type.String(),
    expiresAt: Type.String({ description: 'The introduction letter (介绍信) is valid until then' }),
    history: Type.Array(TransferStepBody),
    reason: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Transfer' },
);

export const transferReason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

export const CreateTransferBody = Type.Object(
  {
    memberId: Id("The member who moves; in the caller's scope (the origin side initiates)"),
    toOrganizationId: Id('The target branch (党支部), anywhere in the province'),
    reason: transferReason('Why the member moves, e.g. 工作调动'),
  },
  { additionalProperties: false },
);
/** Approve and receive take an optional remark; the body may be left out. */
export const RemarkBody = Type.Union([
  Type.Object({ reason: Type.Optional(transferReason('Remark kept on the step')) }, { additionalProperties: false }),
  Type.Null(),
]);
export const RejectBody = Type.Object({ reason: transferReason('Why the transfer is refused; required') }, { additionalProperties: false });

export const TransferListQuery = Type.Object(
  {
    ...pageQuery(),
    status: Type.Optional(oneOf(statuses.values, transferStatusText)),
    organizationId: Type.Optional(Id("Transfers out of or into this node and below; omit for the caller's whole scope")),
  },
  { additionalProperties: false },
);
export const TransferListBody = Type.Object({ ...PageFields, items: Type.Array(TransferBody) });

// Meetings 三会一课

export const meetingTypeText =
  'generalMeeting 支部党员大会 (quarterly), committeeMeeting 支委会 (monthly), groupMeeting 党小组会 (monthly, held by a group), partyLecture 党课 (quarterly)';

export const MemberIds = (description: string) => Type.Array(Id('Member id'), { maxItems: 2_000, description });

export const AttendanceBody = Type.Object({
  present: MemberIds('Members present; at least one'),
  excused: MemberIds('Members absent with leave 请假'),
  absent: MemberIds('Members absent without leave'),
});

export const MeetingBody = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    type: oneOf(meetingTypes.values, meetingTypeText),
    date: Type.String(),
    topic: Type.String(),
    minutes: Type.String({ description: 'Empty in lists; read the meeting for its minutes' }),
    attendance: AttendanceBody,
    recordedBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Meeting' },
);

export const CreateMeetingBody = Type.Object(
  {
    organizationId: Id('The branch 党支部 that held it; for a groupMeeting, the group 党小组'),
    type: oneOf(meetingTypes.values, meetingTypeText),
    date: calendarDate('When it was held; not in the future'),
    topic: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. 学习贯彻党的二十大精神' }),
    minutes: Type.String({ maxLength: 50_000, description: 'Minutes 会议记录' }),
    attendance: Type.Object(
      {
        present: Type.Array(Id('Member id'), { minItems: 1, maxItems: 2_000, description: 'Members present; at least one' }),
        excused: Type.Optional(MemberIds('Members absent with leave 请假')),
        absent: Type.Optional(MemberIds('Members absent without leave')),
      },
      {
        additionalProperties: false,
        description: "Member ids of the branch (for a group meeting, of the group's branch); each in one list only",
      },
    ),
  },
  { additionalProperties: false },
);

export const MeetingListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id("This node and everything below it; omit for the caller's whole scope")),
    type: Type.Optional(oneOf(meetingTypes.values, meetingTypeText)),
    from: Type.Optional(calendarDate('Held on or after')),
    to: Type.Optional(calendarDate('Held on or before')),
  },
  { additionalProperties: false },
);
export const MeetingListBody = Type.Object({ ...PageFields, items: Type.Array(MeetingBody) });

export const ComplianceQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id("Every branch at or below this node; omit for the caller's whole scope")),
    quarter: Type.Optional(
      Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: 'e.g. 2026-Q3; defaults to the current quarter', examples: ['2026-Q2'] }),
    ),
    behindOnly: Type.Optional(Type.Boolean({ description: 'Only the branches behind schedule' })),
  },
  { additionalProperties: false },
);
export const TypeComplianceBody = Type.Object({
  type: oneOf(meetingTypes.values, meetingTypeText),
  required: Type.Integer({
    description: 'Meetings due so far: ended months for a monthly type, 1 once the quarter ended for a quarterly one',
  }),
  held: Type.Integer(),
  compliant: Type.Boolean(),
  missingMonths: Type.Array(Type.String(), { description: 'Ended months (YYYY-MM) without a meeting of a monthly type' }),
});
export const BranchComplianceBody = Type.Object(
  {
    organizationId: Type.String(),
    organizationName: Type.String(),
    compliant: Type.Boolean(),
    types: Type.Array(TypeComplianceBody, { description: 'The types that apply: groupMeeting only for a branch with party groups' }),
  },
  { $id: 'BranchCompliance' },
);
export const ComplianceBody = Type.Object({ quarter: Type.String(), ...PageFields, items: Type.Array(BranchComplianceBody) });

// Party dues 党费 (money is integer fen)

export const duesCategoryText =
  "inService 在职, retired 离退休, student 学生, unemployed 失业, minimumLiving 享受最低生活保障, annualSalary 年薪制 (income is last year's annual income), exempt 免交";

export const billingMonth = (description: string) =>
  Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: `${description} (YYYY-MM)`, examples: ['2024-03'] });
export const fen = (description: string) => Type.Integer({ minimum: 0, description: `${description}, in fen (分)` });

export const DuesQuoteQuery = Type.Object(
  {
    income: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_200_000_000,
        description:
          "Monthly post-tax income in fen; last year's annual income for annualSalary. Required for inService, retired and annualSalary; not needed for flat-rate categories",
      }),
    ),
    category: oneOf(duesCategories.values, duesCategoryText),
  },
  { additionalProperties: false },
);
export const DuesQuoteBody = Type.Object(
  {
    category: oneOf(duesCategories.values, duesCategoryText),
    monthlyFen: fen('The monthly dues'),
    rateBasisPoints: Type.Integer({ description: 'The rate applied, in basis points (1% = 100); 0 for flat-rate categories' }),
    basisFen: fen('The monthly income the rate applies to (0 for flat-rate categories)'),
    bracket: Type.String({ description: 'The bracket or flat rule used, e.g. "inService <= 5000 yuan"' }),
  },
  { $id: 'DuesQuote' },
);

export const BillBody = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    memberName: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    month: Type.String({ description: 'YYYY-MM' }),
    amountFen: fen('Dues billed'),
    paidFen: fen('Paid so far'),
    owedFen: fen('Still owed'),
    settled: Type.Boolean({ description: 'Nothing is owed' }),
    category: oneOf(duesCategories.values, duesCategoryText),
    basisFen: fen('The monthly income the rate was applied to'),
    paymentRefs: Type.Array(Type.String(), { description: 'References of the payments recorded' }),
  },
  { $id: 'DuesBill' },
);

export const StartBillingRunBody = Type.Object(
  { organizationId: Id('The organisation whose whole subtree is billed'), month: billingMonth('The month billed; not in the future') },
  { additionalProperties: false },
);
export const BillingRunBody = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    month: Type.String({ description: 'YYYY-MM' }),
    state: oneOf(
      billingRunStates.values,
      'queued (waiting for a replica), running, finished, or failed after repeated errors (starting it again retries)',
    ),
    started: Type.Boolean({ description: 'On POST: true when this request started (or retried) the run; false when it already existed' }),
    membersRead: Type.Integer({ description: 'Members of the subtree read so far in the current attempt' }),
    created: Type.Integer({ description: 'Bills this run created' }),
    existing: Type.Integer({ description: 'Dues-paying members already billed for the month (not billed again)' }),
    skipped: Type.Integer({ description: 'Members whose dues data the rules refuse (left unbilled)' }),
    totalFen: fen('Total billed for the month over the members billed (created and existing)'),
    attempts: Type.Integer({ description: 'Times a replica took the run (more than 1 after a restart or an error)' }),
    error: Type.String({ description: "The last attempt's error; empty when none" }),
    requestedBy: Type.String(),
    requestedAt: Type.String(),
    startedAt: Type.String({ description: 'Empty while queued' }),
    finishedAt: Type.String({ description: 'Empty until finished or failed' }),
    status: Type.String({ description: 'Where to poll the run: /api/v1/dues/billing-runs/{id}' }),
  },
  { $id: 'DuesBillingRun' },
);
export const BillingRunParams = Type.Object({ id: Id('The billing run') });

export const BillListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('Bills of this subtree; omit for everything the caller sees')),
    month: Type.Optional(billingMonth('Bills of this month')),
    memberId: Type.Optional(Id('Bills of this member')),
    unpaidOnly: Type.Optional(Type.Boolean({ description: 'Only bills not fully paid' })),
  },
  { additionalProperties: false },
);
export const BillListBody = Type.Object({ ...PageFields, items: Type.Array(BillBody) });

export const DuesPaymentBody = Type.Object(
  {
    memberId: Id('The member who paid'),
    month: billingMonth('The month paid for'),
    amountFen: int64({ minimum: 1, description: 'Amount paid, in fen; at most what is still owed' }),
    reference: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: "The payment's own reference (e.g. the bank's); the same reference twice records once",
    }),
  },
  { additionalProperties: false },
);
export const DuesPaymentResult = Type.Object({
  recorded: Type.Boolean({ description: 'false when this reference was already recorded (nothing changed)' }),
  bill: BillBody,
});

export const ArrearsQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('Members of this subtree; omit for everything the caller sees')),
    asOf: Type.Optional(billingMonth('Judge arrears up to and including this month; defaults to the current month')),
    minMonths: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1200, default: 1, description: 'Only members with at least this many unpaid months' }),
    ),
  },
  { additionalProperties: false },
);
export const ArrearsLine = Type.Object({
  memberId: Type.String(),
  memberName: Type.String(),
  organizationId: Type.String(),
  unpaidMonths: Type.Integer(),
  consecutiveMonths: Type.Integer({ description: 'Longest run of consecutive unpaid months; six is a discipline matter' }),
  owedFen: fen('Owed over all unpaid months'),
  oldestUnpaidMonth: Type.String(),
});
export const ArrearsBody = Type.Object({
  ...PageFields,
  totalOwedFen: fen('Owed by every member reported'),
  items: Type.Array(ArrearsLine),
});
