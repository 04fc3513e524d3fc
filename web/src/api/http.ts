/**
 * The one way the portal calls the gateway: JSON over fetch, the access token (kept in memory
 * only) as a bearer, one refresh through the session cookie when it has expired, errors in the
 * gateway's shape as ApiError.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type QueryValue = string | number | boolean | undefined | null | readonly string[];

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** A JSON body, or a file sent as it is (member import). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Send no access token (public pages work the same signed in or not). */
  anonymous?: boolean;
}

/** How the session module lends its token and its refresh to every call. */
export interface TokenSource {
  token(): string | null;
  /** A new access token, or null when the session has ended. */
  refresh(): Promise<string | null>;
}

let tokens: TokenSource = { token: () => null, refresh: async () => null };

export function useTokens(source: TokenSource): void {
  tokens = source;
}

export function queryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token && !options.anonymous) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof Blob) {
    body = options.body;
    headers['content-type'] = options.contentType ?? (options.body.type || 'application/octet-stream');
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  return fetch(`/api/v1${path}${queryString(options.query)}`, {
    method: options.method ?? 'GET',
    headers,
    body,
    signal: options.signal,
    credentials: 'same-origin',
  });
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as { error: { code: string; message: string; details?: Record<string, string> } };
    return new ApiError(response.status, error.code, error.message, error.details ?? {});
  } catch {
    return new ApiError(response.status, 'HTTP_' + response.status, response.statusText);
  }
}

/** How far the gateway's clock is ahead of this browser's (from the Date of its last answer). */
let serverOffsetMs = 0;

/** The gateway's time now: an exam's timer counts down to the server's deadline, not the device's. */
export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}

function noteServerTime(response: Response, sentAt: number): void {
  const date = Date.parse(response.headers.get('date') ?? '');
  // Date has whole seconds: the answer was made within the second it names, about mid-flight.
  if (Number.isFinite(date)) serverOffsetMs = date + 500 - (sentAt + Date.now()) / 2;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let sentAt = Date.now();
  let response = await send(path, options, tokens.token());
  if (response.status === 401 && !options.anonymous && tokens.token()) {
    const fresh = await tokens.refresh();
    sentAt = Date.now();
    if (fresh) response = await send(path, options, fresh);
  }
  noteServerTime(response, sentAt);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** What the services' refusals mean to the person who met them (the rest by HTTP status). */
const codeMessages: Record<string, string> = {
  AUTH_INVALID_CREDENTIALS: '用户名或密码不正确',
  AUTH_ACCOUNT_LOCKED: '登录失败次数过多，账号已临时锁定，请稍后再试',
  AUTH_ACCOUNT_DISABLED: '账号已停用，请联系组织管理员',
  CONTENT_SELF_REVIEW: '不能审核或发布自己提交的文件（需由另一位审核人办理）',
  CONTENT_NOT_DRAFT: '只有草稿可以修改',
  CONTENT_NO_ORGANIZATION: '账号未归属任何组织，不能撰写文件',
  CONTENT_REVISION_CONFLICT: '内容已被他人修改，请刷新后重试',
  STALE_REVISION: '内容已被他人修改，请刷新后重试',
  MEETING_ORG_KIND: '会议只能记录在党支部或党小组下',
  ORG_HAS_CHILDREN: '该组织还有下级组织，不能删除',
  ORG_HAS_MEMBERS: '该组织还有党员，不能删除（请先转出）',
  ORG_PARENT_KIND: '该类组织不能建在所选上级组织之下',
  ORG_CODE_TAKEN: '该组织编码已被使用',
  ORG_OWN_NODE: '不能删除或移动本人所在的组织',
  ORG_MOVE_INTO_ITSELF: '不能移到本组织或其下级组织之下',
  ORG_MOVE_SAME_PARENT: '该组织已在所选上级组织之下',
  ORG_TOP_LEVEL: '只有超级管理员可以调整顶层组织',
  MEMBER_NATIONAL_ID_TAKEN: '该身份证号已有党员档案',
  MEMBER_ORG_KIND: '党员只能归属于党支部',
  MEMBER_MIN_AGE: '申请入党时须年满十八周岁',
  MEMBER_STAGE_ORDER: '发展阶段须按顺序逐步办理，请刷新后重试',
  MEMBER_STAGE_TERMINAL: '该党员已转正或已取消资格，不再办理发展步骤',
  MEMBER_STAGE_DATE: '日期不能早于上一步骤，也不能晚于今天',
  MEMBER_ACTIVIST_PERIOD: '确定为入党积极分子满一年后，方可确定为发展对象',
  MEMBER_POLITICAL_REVIEW: '确定为发展对象须政审合格',
  MEMBER_TRAINING_HOURS: '确定为发展对象须完成至少 24 学时的集中培训',
  MEMBER_HIGHER_APPROVAL: '接收预备党员须经上级党委审批，请填写审批文号',
  MEMBER_PROBATION_PERIOD: '预备期未满，不能转为正式党员',
  MEMBER_PROBATION_EXTENSION: '预备期满一年时方可延长，只能延长一次，延长 1 至 12 个月',
  AUTH_CURRENT_PASSWORD_WRONG: '当前密码不正确',
  TRANSFER_EXPIRED: '介绍信已过有效期',
  TRANSFER_ORIGIN_ONLY: '此步骤须由转出组织办理',
  TRANSFER_TARGET_ONLY: '此步骤须由接收组织办理',
  TRANSFER_REJECT_REASON: '请填写退回原因',
  TRANSFER_DUES_ARREARS: '该党员党费未缴至转接当月，缴清后方可同意转出',
  TRANSFER_ALREADY_OPEN: '该党员已有办理中的组织关系转接',
  TRANSFER_SAME_ORGANIZATION: '接收组织与所在组织相同',
  TRANSFER_TARGET_KIND: '接收组织须为党支部',
  TRANSFER_TARGET_GONE: '接收党支部已不存在',
  TRANSFER_STATE: '该转接当前状态不能办理此步骤，请刷新后重试',
  MEMBER_IMPORT_FORMAT: '请上传 CSV 或 Excel（.xlsx）文件',
  FEEDBACK_SUBMISSION_LIMIT: '今日留言次数已达上限，请明天再试',
  FEEDBACK_TRACKING_NOT_FOUND: '查询码或联系方式不正确',
  FEEDBACK_ALREADY_RATED: '该答复已评价过',
  FEEDBACK_EXTENSION_USED: '每条留言只能延期一次',
  FEEDBACK_EXTENSION_TOO_LATE: '已过答复期限，不能再延期',
  FEEDBACK_WORKFLOW_STEP: '该留言当前状态不能办理此步骤，请刷新后重试',
  FEEDBACK_NOT_YOUR_STEP: '此步骤须由受理或承办单位办理',
  FEEDBACK_REVISION_CONFLICT: '留言已被他人办理，请刷新后重试',
  FEEDBACK_ORGANIZATION_NOT_FOUND: '承办单位不存在或不在您的管理范围内',
  FEEDBACK_LEADER_POST_RETIRED: '该领导职务已不再接收留言，请选择其他对象',
  FEEDBACK_LEADER_POST_NOT_FOUND: '该领导职务不存在或不在您的管理范围内',
  FEEDBACK_MESSAGE_NOT_FOUND: '留言不存在或不在您的管理范围内',
  FEEDBACK_ALREADY_HANDLING: '该单位已在办理此留言，请选择其他承办单位',
  FEEDBACK_DISPUTE_WINDOW: '已超过派单异议时限，不能再提出异议',
  FEEDBACK_MERGE_TARGET: '目标留言已退回、待审核或已并入其他留言，不能并入',
  FEEDBACK_NO_RECTIFICATION: '只有不满意的评价才需要整改和回访',
  FEEDBACK_ALREADY_RECTIFIED: '整改情况已登记过',
  FEEDBACK_NOT_RECTIFIED: '请先登记整改情况，再登记回访',
  FEEDBACK_ALREADY_REVISITED: '回访结果已登记过',
  COURSE_FULL: '课程名额已满',
  COURSE_ENDED: '课程已结束',
  COURSE_AUDIENCE: '该课程不面向您开放',
  COURSE_NOT_DRAFT: '只有草稿课程可以修改',
  COURSE_WORKFLOW_STEP: '课程当前状态不能办理此步骤',
  ENROLMENT_EXISTS: '该党员已报名此课程',
  ENROLMENT_NOT_LIVE: '该报名已完成或已取消，不能再取消',
  TRAINING_COURSE_COMPLETED: '您已完成过同一课程，属于重复培训',
  TRAINING_TOPIC_REPEATED: '同一主题的培训在规定期限内已参加过，属于重复培训',
  TRAINING_DATES_OVERLAP: '与已参加的脱产培训时间重叠',
  LEARNING_NOT_A_LEARNER: '您的账号未关联党员档案，暂不能学习',
  LEARNING_SESSION_ENDED: '本次学习已结束，请重新开始学习',
  LEARNING_PLAYBACK_TOO_FAST: '播放进度超过实际用时，未计入',
  LEARNING_OFFLINE_BY_ATTENDANCE: '集中培训按考勤记录学时',
  LEARNING_NOT_OFFLINE: '只有集中培训单元按考勤登记',
  LEARNING_ATTENDANCE_AHEAD: '培训日当天或之后才能登记考勤',
  ENROLMENT_REQUIRED: '所选党员中有人未报名该课程（或已取消报名），未登记任何考勤',
  LEARNING_RULES_VERSION_TAKEN: '该版本号已有，请另取一个',
  LEARNING_RULES_DATE_TAKEN: '这一天已有版本生效，请另选日期',
  LEARNING_RULES_RETROACTIVE: '生效日期不能早于今天（规则不追溯）',
  EXAM_NOT_OPEN: '考试尚未开始或已经结束',
  EXAM_CLOSED: '考试已结束',
  EXAM_ALREADY_PASSED: '您已通过该考试',
  EXAM_NO_RETAKES_LEFT: '补考次数已用完',
  EXAM_DEADLINE_PASSED: '考试时间已到，试卷已交',
  EXAM_PAPER_SUBMITTED: '试卷已交，不能再作答',
  EXAM_SELF_GRADING: '不能批阅自己的试卷',
  EXAM_NOT_AWAITING_GRADING: '该试卷当前不在待阅卷状态',
  EXAM_NOTHING_TO_GRADE: '该题没有待批阅的简答',
  EXAM_BANK_NOT_FOUND: '题库不存在或不在您的管理范围内',
  EXAM_BANK_MISSING: '抽题规则所用的题库不在您的管理范围内',
  EXAM_QUESTION_MISSING: '所选试题不在您的题库中',
  EXAM_DRAW_SHORT: '题库中符合抽题规则的试题不足，无法发布',
  EXAM_WORKFLOW_STEP: '考试当前状态不能办理此步骤，请刷新后重试',
  CASE_ALREADY_DECIDED: '该案件已作出处理决定，决定不可更改',
  CASE_NUMBER_TAKEN: '该案件编号已被使用',
  CASE_REVISION_CONFLICT: '案件已被他人修改，请刷新后重试',
  NOTICE_SELF_REVIEW: '不能审核自己起草的通报（需由另一位纪检人员审核）',
  NOTICE_WORKFLOW_STEP: '通报当前状态不能办理此步骤',
  WARNING_NOT_ASSIGNEE: '只有被分派人可以签收该预警',
  WARNING_WORKFLOW_STEP: '预警当前状态不能办理此步骤',
};

/** A member record's fields, as the member forms and the import file's headers name them. */
export const memberFieldLabels: Record<string, string> = {
  gender: '性别',
  ethnicity: '民族',
  birthDate: '出生日期',
  nationalId: '身份证号',
  education: '学历',
  phone: '手机号',
  stage: '发展阶段',
  applicationDate: '申请入党日期',
  activistDate: '确定积极分子日期',
  candidateDate: '确定发展对象日期',
  probationaryDate: '接收预备党员日期',
  fullDate: '转正日期',
};

const fieldLabels: Record<string, string> = {
  ...memberFieldLabels,
  title: '标题',
  docNumber: '文号',
  agency: '发文机关',
  docType: '文种',
  issuedAt: '成文日期',
  region: '地区',
  topics: '主题',
  body: '正文',
  topic: '会议主题',
  minutes: '会议记录',
  date: '日期',
  month: '月份',
  amountFen: '金额',
  reference: '缴费凭证号',
  income: '月收入',
  userName: '用户名',
  password: '密码',
  subject: '标题',
  contact: '联系方式',
  contactName: '称呼',
  trackingCode: '查询码',
  domain: '所属领域',
  organizationId: '受理单位',
  note: '说明',
  reason: '理由',
  days: '延期天数',
  comment: '意见',
  intoMessageId: '并入的留言',
  stem: '题干',
  options: '选项',
  correctKeys: '正确答案',
  blanks: '填空答案',
  referenceAnswer: '参考答案',
  score: '分数',
  name: '名称',
  number: '案件编号',
  category: '问题类型',
  foundAt: '发现日期',
  decidedAt: '处理日期',
  persons: '涉及人员',
  decisions: '处理决定',
  probationYears: '留党察看期限',
  caseIds: '案件',
  reassignToOrganizationId: '改派单位',
  result: '回访结果',
  holderName: '任职人姓名',
  from: '起始日期',
  to: '截止日期',
  fixedQuestions: '固定试题',
  drawRules: '抽题规则',
  bankId: '题库',
  count: '题数',
  durationMinutes: '考试时长',
  passMark: '及格分',
  retakes: '补考次数',
  opensAt: '开考时间',
  closesAt: '截止时间',
  minSecondsPerQuestion: '答题间隔',
  version: '版本号',
  effectiveFrom: '生效日期',
  onlineBands: '网络课程分档',
  minMinutes: '分钟数',
  hours: '学时',
  unitTestBonus: '测试加学时',
  offlineFullDay: '全天学时',
  offlineHalfDay: '半天学时',
  basis: '依据',
  memberIds: '出席党员',
  decisionRef: '决议文号',
  trainingHours: '培训学时',
  higherApprovalRef: '上级党委审批文号',
  extensionMonths: '延长月数',
  duesIncomeFen: '党费基数',
  currentPassword: '当前密码',
  newPassword: '新密码',
  newParentId: '新的上级组织',
  memberId: '党员档案',
};

/** "body.title" → 标题; a field the portal has no word for keeps its name. */
function fieldsOf(details: Record<string, string>): string {
  const names = Object.keys(details).map((key) => {
    const last = key.split('.').pop() ?? key;
    return fieldLabels[last] ?? last;
  });
  return [...new Set(names)].join('、');
}

/**
 * The fields a refusal names, each with the service's problem: the gateway's schema check names
 * them `body.drawRules.0.count`, the services `drawRules[0].count`; both come out as the latter,
 * so a form can put each problem under its own field. A precondition naming one field in its
 * details (`{ field: 'drawRules[1].bankId' }`) counts as a problem of that field.
 */
export function fieldProblems(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  if (err.status !== 400 && err.details.field) return { [err.details.field]: err.message };
  if (err.status !== 400) return {};
  const problems: Record<string, string> = {};
  for (const [key, problem] of Object.entries(err.details)) {
    problems[key.replace(/^body\./, '').replace(/\.(\d+)(?=\.|$)/g, '[$1]')] = problem;
  }
  return problems;
}

/** What to tell a person about a failed call, in their language. */
export function describeError(err: unknown): string {
  if (err instanceof DOMException && err.name === 'AbortError') return '';
  if (!(err instanceof ApiError)) return '网络异常，请稍后重试';
  const known = codeMessages[err.code];
  // A rule refused for a date says from when it would pass (MEMBER_ACTIVIST_PERIOD …).
  if (known) return err.details.earliest ? `${known}（最早可为 ${err.details.earliest}）` : known;
  switch (err.status) {
    case 400: {
      const fields = fieldsOf(err.details);
      return fields ? `填写的内容有误，请检查：${fields}` : '填写的内容有误，请检查后重试';
    }
    case 401:
      return '请先登录';
    case 403:
      return '您没有执行此操作的权限';
    case 404:
      return '未找到相关内容，或不在您的管理范围内';
    case 409:
      return '操作与当前状态冲突，请刷新后重试';
    case 413:
      return '文件过大';
    case 429:
      return '操作过于频繁，请稍后再试';
    default:
      return err.status >= 500 ? '服务暂时不可用，请稍后重试' : '操作未能完成，请稍后重试';
  }
}
