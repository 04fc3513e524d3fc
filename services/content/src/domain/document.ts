/**
 * Policy documents (政策文件) and articles: fields, validation and the editorial workflow.
 * Pure rules: no I/O.
 */
import { failedPrecondition, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import { isCalendarDate } from '@repo/calendar';
import { parseDocNumber } from '@repo/text';

export const documentKinds = ['policy', 'article'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentStatuses = ['draft', 'inReview', 'approved', 'published', 'withdrawn'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

/** 效力状态: 现行有效, 已修订, 已废止. */
export const effectiveStatuses = ['inForce', 'amended', 'repealed'] as const;
export type EffectiveStatus = (typeof effectiveStatuses)[number];

export const workflowActions = ['submit', 'approve', 'reject', 'publish', 'withdraw'] as const;
export type WorkflowAction = (typeof workflowActions)[number];

/** The 15 kinds of 公文 of the 党政机关公文处理工作条例 (2012, article 8); 命令 is also written 令. */
export const officialDocumentTypes = [
  '决议',
  '决定',
  '命令',
  '令',
  '公报',
  '公告',
  '通告',
  '意见',
  '通知',
  '通报',
  '报告',
  '请示',
  '批复',
  '议案',
  '函',
  '纪要',
] as const;
/** The names of Party regulations (中国共产党党内法规制定条例, article 5). */
export const partyRegulationTypes = ['党章', '准则', '条例', '规定', '办法', '规则', '细则'] as const;
/** What portals publish besides: speeches, plans, programmes. */
export const otherPolicyTypes = ['讲话', '方案', '规划', '纲要'] as const;
/** 文种 of policy documents: all of the above. */
export const policyTypes = [...officialDocumentTypes, ...partyRegulationTypes, ...otherPolicyTypes] as const;
/** Categories of articles: news, propaganda, party lectures. */
export const articleTypes = ['新闻', '宣传', '党课'] as const;

const allTypes: ReadonlySet<string> = new Set([...policyTypes, ...articleTypes]);
// Words that qualify a type without naming a subject: 工作方案, 实施意见, 管理办法, 若干规定.
const TYPE_QUALIFIERS = /^(工作|实施|行动|指导|若干|管理|暂行|试行|专项)/u;

/**
 * The document type a word of a query names: a type (通知, 纪要) or a type qualified by a
 * word that says nothing of the subject (工作方案 → 方案, 实施意见 → 意见); undefined otherwise.
 */
export function documentTypeOf(word: string): string | undefined {
  if (allTypes.has(word)) return word;
  const qualified = TYPE_QUALIFIERS.exec(word);
  const rest = qualified ? word.slice(qualified[0].length) : '';
  return rest.length >= 2 && allTypes.has(rest) ? rest : undefined;
}

export const limits = {
  titleMaxChars: 200,
  bodyMaxChars: 200_000,
  agencyMaxChars: 100,
  regionMaxChars: 50,
  topicsMax: 10,
  topicMaxChars: 30,
} as const;

/** What a caller may set on a document. */
export interface DocumentFields {
  kind: DocumentKind;
  title: string;
  docNumber: string;
  agency: string;
  docType: string;
  /** Calendar date YYYY-MM-DD. */
  issuedAt: string;
  effectiveStatus: EffectiveStatus;
  region: string;
  topics: string[];
  body: string;
}

export const editableFields = [
  'kind',
  'title',
  'docNumber',
  'agency',
  'docType',
  'issuedAt',
  'effectiveStatus',
  'region',
  'topics',
  'body',
] as const satisfies readonly (keyof DocumentFields)[];
export type EditableField = (typeof editableFields)[number];

export interface WorkflowStep {
  action: WorkflowAction;
  from: DocumentStatus;
  to: DocumentStatus;
  actor: string;
  at: string;
  note: string;
}

export interface ContentDocument extends DocumentFields {
  id: string;
  status: DocumentStatus;
  orgPath: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  history: WorkflowStep[];
  revision: number;
}

function checkText(
  violations: FieldViolation[],
  field: string,
  value: string,
  { required, max }: { required: boolean; max: number },
): void {
  if (required && value.trim() === '') violations.push({ field, problem: 'is required' });
  else if ([...value].length > max) violations.push({ field, problem: `must be at most ${max} characters` });
}

/**
 * Validates a complete set of fields and returns them normalised (trimmed, document number in
 * its canonical form). Throws VALIDATION_FAILED naming every bad field.
 */
export function validateFields(fields: DocumentFields): DocumentFields {
  const violations: FieldViolation[] = [];
  if (!documentKinds.includes(fields.kind)) {
    violations.push({ field: 'kind', problem: `must be one of ${documentKinds.join(', ')}` });
  }
  checkText(violations, 'title', fields.title, { required: true, max: limits.titleMaxChars });
  checkText(violations, 'body', fields.body, { required: true, max: limits.bodyMaxChars });
  checkText(violations, 'agency', fields.agency, { required: true, max: limits.agencyMaxChars });
  checkText(violations, 'region', fields.region, { required: false, max: limits.regionMaxChars });

  const allowedTypes: readonly string[] = fields.kind === 'article' ? articleTypes : policyTypes;
  if (!allowedTypes.includes(fields.docType)) {
    violations.push({ field: 'docType', problem: `must be one of ${allowedTypes.join(', ')}` });
  }
  if (!isCalendarDate(fields.issuedAt)) {
    violations.push({ field: 'issuedAt', problem: 'must be a calendar date YYYY-MM-DD' });
  }
  if (!effectiveStatuses.includes(fields.effectiveStatus)) {
    violations.push({ field: 'effectiveStatus', problem: `must be one of ${effectiveStatuses.join(', ')}` });
  }
  if (fields.topics.length > limits.topicsMax) {
    violations.push({ field: 'topics', problem: `must have at most ${limits.topicsMax} items` });
  }
  fields.topics.forEach((topic, i) => checkText(violations, `topics[${i}]`, topic, { required: true, max: limits.topicMaxChars }));

  let docNumber = fields.docNumber.trim();
  if (docNumber !== '') {
    const parsed = parseDocNumber(docNumber);
    if (!parsed) {
      violations.push({ field: 'docNumber', problem: 'must look like 中发〔2021〕1号 (agency code, year, serial)' });
    } else {
      docNumber = parsed.normalized;
      if (isCalendarDate(fields.issuedAt) && String(parsed.year) !== fields.issuedAt.slice(0, 4)) {
        violations.push({ field: 'docNumber', problem: `year ${parsed.year} differs from issuedAt's year` });
      }
    }
  }
  if (violations.length > 0) throw validationFailed(violations);
  return {
    ...fields,
    title: fields.title.trim(),
    agency: fields.agency.trim(),
    region: fields.region.trim(),
    topics: [...new Set(fields.topics.map((t) => t.trim()))],
    docNumber,
  };
}

/** The editorial workflow: from which status each action leads where. */
const workflow: Record<WorkflowAction, { from: DocumentStatus; to: DocumentStatus }> = {
  submit: { from: 'draft', to: 'inReview' },
  approve: { from: 'inReview', to: 'approved' },
  reject: { from: 'inReview', to: 'draft' },
  publish: { from: 'approved', to: 'published' },
  withdraw: { from: 'published', to: 'withdrawn' },
};

export function nextStatus(current: DocumentStatus, action: WorkflowAction): DocumentStatus {
  const step = workflow[action];
  if (step.from !== current) {
    throw failedPrecondition(
      'CONTENT_WORKFLOW_STEP',
      `cannot ${action} a document that is ${current}; ${action} applies to ${step.from} documents`,
      { action, status: current, requiredStatus: step.from },
    );
  }
  return step.to;
}

/**
 * Applies a workflow step: checks the step is legal and that a reviewer does not approve their
 * own submission (四眼原则), and returns the step to record.
 */
export function applyStep(
  document: Pick<ContentDocument, 'status' | 'history'>,
  action: WorkflowAction,
  actor: string,
  at: string,
  note = '',
): WorkflowStep {
  const to = nextStatus(document.status, action);
  if (action === 'approve' || action === 'reject') {
    const submission = [...document.history].reverse().find((s) => s.action === 'submit');
    if (submission && submission.actor === actor) {
      throw permissionDenied('CONTENT_SELF_REVIEW', `a reviewer cannot ${action} their own submission`, {
        action,
      });
    }
  }
  if (action === 'reject' && note.trim() === '') {
    throw validationFailed([{ field: 'note', problem: 'a rejection needs a reason' }]);
  }
  return { action, from: document.status, to, actor, at, note };
}

/** Only drafts can be edited. */
export function assertEditable(document: Pick<ContentDocument, 'status'>): void {
  if (document.status !== 'draft') {
    throw failedPrecondition('CONTENT_NOT_DRAFT', `only drafts can be updated; this document is ${document.status}`, {
      status: document.status,
    });
  }
}

/** Event type for each fact about a document. */
export const documentEvents = {
  created: 'content.document.created',
  updated: 'content.document.updated',
  submit: 'content.document.submitted',
  approve: 'content.document.approved',
  reject: 'content.document.rejected',
  publish: 'content.document.published',
  withdraw: 'content.document.withdrawn',
  /** Its organisation's subtree moved; the document follows it. */
  moved: 'content.document.moved',
} as const;

/**
 * Statuses that enter the search index. Search serves the public, so only published documents
 * do; when staff roles arrive this is the one place to widen it (index inReview documents too,
 * and filter searches by the caller's scope and roles in access.ts).
 */
export const searchableStatuses: readonly DocumentStatus[] = ['published'];

export function isSearchable(document: Pick<ContentDocument, 'status'>): boolean {
  return searchableStatuses.includes(document.status);
}

const isStatus = (value: unknown): value is DocumentStatus => documentStatuses.includes(value as DocumentStatus);

/**
 * Whether the index may have to change after an event: a workflow step into or out of a
 * searchable status, a move with its organisation, or anything not known here. Creating and
 * editing happen to drafts, and steps between statuses that are not searchable (submit,
 * approve, reject while only published documents are) cannot change it.
 */
export function mayChangeIndex(event: { type: string; data?: unknown }): boolean {
  if (event.type === documentEvents.created || event.type === documentEvents.updated) return isSearchable({ status: 'draft' });
  const { from, to } = (event.data ?? {}) as { from?: unknown; to?: unknown };
  const step = workflowActions.some((action) => documentEvents[action] === event.type);
  if (!step || !isStatus(from) || !isStatus(to)) return true;
  return isSearchable({ status: from }) || isSearchable({ status: to });
}
