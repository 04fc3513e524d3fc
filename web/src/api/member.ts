/** The organisation tree, members, meetings, dues and transfers (gateway/src/routes/member). */
import { ref, watch, type Ref } from 'vue';
import { api, describeError, memberFieldLabels } from './http';
import type { Role, User } from '../session';

export interface Page<T> {
  total: number;
  page: number;
  size: number;
  items: T[];
}

export interface Organization {
  id: string;
  name: string;
  kind: 'committee' | 'generalBranch' | 'branch' | 'group' | string;
  parentId: string;
  path: string;
  depth: number;
  code: string;
  childCount: number;
  memberCount: number;
}

export interface Member {
  id: string;
  name: string;
  gender: string;
  ethnicity: string;
  birthDate: string;
  nationalId: string;
  education: string;
  phone: string;
  organizationId: string;
  stage: string;
  /** The dates of the pipeline's stages reached so far (applicationDate, activistDate …). */
  keyDates: Partial<Record<KeyDateField, string>>;
  /** Every pipeline step, oldest first. */
  history: { stage: string; date: string; decisionRef: string; extensionMonths: number; higherApprovalRef: string }[];
  duesCategory: string;
  duesIncomeFen: number;
  revision: number;
}

/** The pipeline's key dates, one per stage, in the order they occur. */
export const keyDateFields = ['applicationDate', 'activistDate', 'candidateDate', 'probationaryDate', 'fullDate'] as const;
export type KeyDateField = (typeof keyDateFields)[number];

/** The stage each key date belongs to: a record at a stage carries its date and every earlier one. */
export const keyDateStages: Record<KeyDateField, string> = {
  applicationDate: 'applicant',
  activistDate: 'activist',
  candidateDate: 'candidate',
  probationaryDate: 'probationary',
  fullDate: 'full',
};

export interface ImportReport {
  rows: number;
  imported: number;
  invalidRows: number;
  /** The first 200 errors by line. */
  errors: { line: number; field: string; problem: string }[];
  errorCount: number;
  warnings: string[];
}

export interface Meeting {
  id: string;
  organizationId: string;
  type: string;
  date: string;
  topic: string;
  minutes: string;
  attendance: { present: string[]; excused: string[]; absent: string[] };
  recordedBy: string;
  createdAt: string;
}

export interface BranchCompliance {
  organizationId: string;
  organizationName: string;
  compliant: boolean;
  types: { type: string; required: number; held: number; compliant: boolean; missingMonths: string[] }[];
}

export interface Bill {
  id: string;
  memberId: string;
  memberName: string;
  organizationId: string;
  month: string;
  amountFen: number;
  paidFen: number;
  owedFen: number;
  settled: boolean;
  category: string;
  basisFen: number;
  paymentRefs: string[];
}

export interface ArrearsLine {
  memberId: string;
  memberName: string;
  organizationId: string;
  unpaidMonths: number;
  consecutiveMonths: number;
  owedFen: number;
  oldestUnpaidMonth: string;
}

export interface Transfer {
  id: string;
  memberId: string;
  memberName: string;
  fromOrganizationId: string;
  toOrganizationId: string;
  status: string;
  initiatedAt: string;
  expiresAt: string;
  reason: string;
}

export const orgKindLabels: Record<string, string> = { committee: '党委', generalBranch: '党总支', branch: '党支部', group: '党小组' };

export const stageLabels: Record<string, string> = {
  applicant: '入党申请人',
  activist: '入党积极分子',
  candidate: '发展对象',
  probationary: '预备党员',
  full: '正式党员',
  disqualified: '取消资格',
};

export const educationLabels: Record<string, string> = {
  primary: '小学',
  juniorHigh: '初中',
  seniorHigh: '高中',
  vocational: '中专',
  associate: '大专',
  bachelor: '本科',
  master: '硕士研究生',
  doctorate: '博士研究生',
};

/** What a pipeline step needs besides its date and the decision it rests on. */
export type StepNeed = 'politicalReview' | 'trainingHours' | 'higherApproval' | 'extensionMonths';

export interface PipelineStep {
  /** The stage the step leads to ('probationary' from probationary is the extension). */
  stage: string;
  label: string;
  needs: StepNeed[];
}

/**
 * The steps the member service allows from each stage (services/member/src/domain/pipeline.ts):
 * one forward step each, and from probation full membership, one extension or disqualification.
 * The service still judges the dates and periods, and names the rule when it refuses.
 */
export const pipelineSteps: Record<string, PipelineStep[]> = {
  applicant: [{ stage: 'activist', label: '确定为入党积极分子', needs: [] }],
  activist: [{ stage: 'candidate', label: '确定为发展对象', needs: ['politicalReview', 'trainingHours'] }],
  candidate: [{ stage: 'probationary', label: '接收为预备党员', needs: ['higherApproval'] }],
  probationary: [
    { stage: 'full', label: '转为正式党员', needs: [] },
    { stage: 'probationary', label: '延长预备期', needs: ['extensionMonths'] },
    { stage: 'disqualified', label: '取消预备党员资格', needs: [] },
  ],
  full: [],
  disqualified: [],
};

export const meetingTypeLabels: Record<string, string> = {
  generalMeeting: '支部党员大会',
  committeeMeeting: '支委会',
  groupMeeting: '党小组会',
  partyLecture: '党课',
};

export const transferStatusLabels: Record<string, string> = {
  initiated: '已发起',
  approvedByOrigin: '转出方已同意',
  received: '已接收',
  completed: '已完成',
  rejected: '已退回',
  expired: '已过期',
};

/** The import file's columns by the field names its errors use (the Chinese header names). */
export const importFieldLabels: Record<string, string> = {
  ...memberFieldLabels,
  name: '姓名',
  organizationId: '所在组织',
};

export const duesCategoryLabels: Record<string, string> = {
  inService: '在职',
  retired: '离退休',
  student: '学生',
  unemployed: '无固定收入',
  minimumLiving: '享受低保',
  annualSalary: '年薪制',
  exempt: '免交',
};

export const listOrganizations = (query: { parentId?: string; kind?: string; descendants?: boolean; page?: number; size?: number }) =>
  api<Page<Organization>>('/organizations', { query });

export const createOrganization = (body: { parentId: string; name: string; kind: string; code?: string }) =>
  api<Organization>('/organizations', { method: 'POST', body });
export const renameOrganization = (id: string, body: { name: string; code?: string }) =>
  api<Organization>(`/organizations/${encodeURIComponent(id)}`, { method: 'PATCH', body });
/** Only a node with no children and no members. */
export const deleteOrganization = (id: string) => api<void>(`/organizations/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Moves a node and everything below it (members and users too) under another parent. */
export const moveOrganization = (id: string, newParentId: string) =>
  api<{ organization: Organization; movedNodes: number; movedRecords: number }>(`/organizations/${encodeURIComponent(id)}/move`, {
    method: 'POST',
    body: { newParentId },
  });

export const getOrganization = (id: string) => api<Organization>(`/organizations/${encodeURIComponent(id)}`);

export const childrenOf = (id: string) =>
  api<Page<Organization>>(`/organizations/${encodeURIComponent(id)}/children`, { query: { size: 100 } });

/**
 * The organisations of the caller's scope, their own node first and then those below it; with
 * `kind`, only those of that kind (their own node too, when it is one).
 */
export async function organizationsInScope(ownId: string | undefined, kind?: string): Promise<Organization[]> {
  const found: Organization[] = [];
  if (ownId) {
    const own = await getOrganization(ownId);
    if (!kind || own.kind === kind) found.push(own);
  }
  const below = await listOrganizations({ kind, descendants: true, parentId: ownId || undefined, size: 100 });
  for (const org of below.items) if (!found.some((f) => f.id === org.id)) found.push(org);
  return found;
}

export const getMember = (id: string) => api<Member>(`/members/${encodeURIComponent(id)}`);

/** A profile as the member service takes it (gateway/src/routes/member/schemas.ts). */
export interface MemberProfile {
  name: string;
  gender: string;
  ethnicity: string;
  birthDate: string;
  nationalId: string;
  education: string;
  phone?: string;
  organizationId: string;
  stage: string;
  keyDates: Partial<Record<KeyDateField, string>>;
  duesCategory?: string;
  duesIncomeFen?: number;
}

/** Records a member of a branch, at any stage of the pipeline with that stage's key dates. */
export const createMember = (body: MemberProfile) => api<Member>('/members', { method: 'POST', body });

/**
 * Changes the fields given, unless the record moved on since `expectedRevision` (409
 * STALE_REVISION); the organisation changes by transfer and the stage by pipeline step only.
 */
export const updateMember = (id: string, body: Partial<Omit<MemberProfile, 'organizationId' | 'stage'>> & { expectedRevision: number }) =>
  api<Member>(`/members/${encodeURIComponent(id)}`, { method: 'PATCH', body });

/** One step of the development pipeline; a step out of order or too early is refused naming the rule. */
export const changeStage = (
  id: string,
  body: {
    stage: string;
    date: string;
    decisionRef: string;
    note?: string;
    trainingHours?: number;
    politicalReviewPassed?: boolean;
    higherApprovalRef?: string;
    extensionMonths?: number;
    expectedRevision: number;
  },
) => api<Member>(`/members/${encodeURIComponent(id)}/stage`, { method: 'POST', body });

/**
 * A subtree's members. The list pages by a token in path order; a total and offset pages (page
 * above 1) cost a count and a skip, which a branch's page affords and a city's does not.
 */
export const listMembers = (query: {
  organizationId?: string;
  name?: string;
  stage?: string;
  page?: number;
  size?: number;
  withTotal?: boolean;
  pageToken?: string;
}) => api<Omit<Page<Member>, 'total'> & { total?: number; nextPageToken: string }>('/members', { query });

/**
 * A branch chosen, its roster (loaded again whenever the branch changes, a failure said through
 * `error`) and the member chosen from it (cleared with the branch): a page's pair of pickers.
 */
export function useBranchRoster(error: Ref<string>) {
  const branchId = ref('');
  const members = ref<Member[]>([]);
  const memberId = ref('');
  watch(branchId, async (id) => {
    memberId.value = '';
    members.value = [];
    if (!id) return;
    try {
      members.value = await rosterOf(id);
    } catch (err) {
      error.value = describeError(err);
    }
  });
  return { branchId, members, memberId };
}

/** Every member of a branch (its groups included), following the pages: a roster to choose from. */
export async function rosterOf(organizationId: string, most = 1000): Promise<Member[]> {
  const members: Member[] = [];
  let pageToken = '';
  do {
    const page = await listMembers({ organizationId, size: 100, pageToken });
    members.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && members.length < most);
  return members;
}

export const importMembers = (file: File, options: { dryRun?: boolean; importValidOnly?: boolean }) => {
  const xlsx = /\.xlsx$/i.test(file.name);
  return api<ImportReport>('/members/import', {
    method: 'POST',
    body: file,
    contentType: xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    query: { dryRun: options.dryRun, importValidOnly: options.importValidOnly },
  });
};

export const listMeetings = (query: { organizationId?: string; type?: string; from?: string; to?: string; page?: number; size?: number }) =>
  api<Page<Meeting>>('/meetings', { query });

export const recordMeeting = (body: {
  organizationId: string;
  type: string;
  date: string;
  topic: string;
  minutes: string;
  attendance: { present: string[]; excused?: string[]; absent?: string[] };
}) => api<Meeting>('/meetings', { method: 'POST', body });

export const meetingCompliance = (query: {
  organizationId?: string;
  quarter?: string;
  behindOnly?: boolean;
  page?: number;
  size?: number;
}) => api<Page<BranchCompliance> & { quarter: string }>('/meetings/compliance', { query });

export const listBills = (query: {
  organizationId?: string;
  month?: string;
  memberId?: string;
  unpaidOnly?: boolean;
  page?: number;
  size?: number;
}) => api<Page<Bill>>('/dues/bills', { query });

export interface BillingRun {
  id: string;
  organizationId: string;
  month: string;
  state: 'queued' | 'running' | 'finished' | 'failed' | string;
  membersRead: number;
  created: number;
  existing: number;
  skipped: number;
  totalFen: number;
  error: string;
}

/** Starts (or finds) the month's billing run of a subtree; a province's takes a while, so it is a job. */
export const startBilling = (organizationId: string, month: string) =>
  api<BillingRun>('/dues/bills', { method: 'POST', body: { organizationId, month } });

export const getBillingRun = (id: string) => api<BillingRun>(`/dues/billing-runs/${encodeURIComponent(id)}`);

/** Bills the month and waits for the run to end, telling `progress` how far it is. */
export async function billMonth(
  organizationId: string,
  month: string,
  progress: (run: BillingRun) => void = () => {},
  pauseMs = 1000,
): Promise<BillingRun> {
  let run = await startBilling(organizationId, month);
  while (run.state === 'queued' || run.state === 'running') {
    progress(run);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    run = await getBillingRun(run.id);
  }
  return run;
}

export const recordPayment = (body: { memberId: string; month: string; amountFen: number; reference: string }) =>
  api<{ recorded: boolean; bill: Bill }>('/dues/payments', { method: 'POST', body });

export const arrears = (query: { organizationId?: string; minMonths?: number; page?: number; size?: number }) =>
  api<Page<ArrearsLine> & { totalOwedFen: number }>('/dues/arrears', { query });

export const quoteDues = (category: string, income?: number) =>
  api<{ category: string; monthlyFen: number; rateBasisPoints: number; bracket: string; basisFen: number }>('/dues/quote', {
    query: { category, income },
    anonymous: true,
  });

export const listTransfers = (query: { status?: string; organizationId?: string; page?: number; size?: number }) =>
  api<Page<Transfer>>('/transfers', { query });

export const startTransfer = (body: { memberId: string; toOrganizationId: string; reason: string }) =>
  api<Transfer>('/transfers', { method: 'POST', body });

export const actOnTransfer = (id: string, action: 'approve' | 'receive' | 'reject', reason?: string) =>
  api<Transfer>(`/transfers/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: reason ? { reason } : {} });

/** The current quarter, e.g. 2026-Q4. */
export function currentQuarter(now = new Date()): string {
  return `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
}

/** The current month, e.g. 2026-12. */
export function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** A user account as staff manage it (gateway/src/routes/member/auth.ts). */
export interface UserAccount extends User {
  /** Set while failed sign-ins keep the account locked. */
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
  revision: number;
}

export const listUsers = (query: { organizationId?: string; page?: number; size?: number }) => api<Page<UserAccount>>('/users', { query });
export const createUser = (body: {
  userName: string;
  displayName: string;
  password: string;
  roles: Role[];
  organizationId?: string;
  memberId?: string;
}) => api<UserAccount>('/users', { method: 'POST', body });
/** Fields left out keep their values; a role change takes effect at the user's next refresh. */
export const updateUser = (
  userId: string,
  body: {
    displayName?: string;
    roles?: Role[];
    organizationId?: string;
    /** The user's own member record; '' unlinks it. */
    memberId?: string;
    disabled?: boolean;
    expectedRevision: number;
  },
) => api<UserAccount>(`/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body });
export const unlockUser = (userId: string) => api<UserAccount>(`/users/${encodeURIComponent(userId)}/unlock`, { method: 'POST' });
