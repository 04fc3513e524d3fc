import { isCalendarDate } from '@repo/calendar';
import { DomainError } from '@repo/errors';
import {
  applyStep,
  assertEditable,
  documentEvents,
  documentTypeOf,
  mayChangeIndex,
  nextStatus,
  validateFields,
  type DocumentFields,
  type DocumentStatus,
  type WorkflowAction,
  type WorkflowStep,
} from '../../src/domain/document';

const validPolicy: DocumentFields = {
  kind: 'policy',
  title: '关于进一步加强基层党组织建设的意见',
  docNumber: '江委发[2024]3号',
  agency: '中共江川省委',
  docType: '意见',
  issuedAt: '2024-03-01',
  effectiveStatus: 'inForce',
  region: '全省',
  topics: ['组织建设', ' 党的建设 '],
  body: '为深入贯彻落实全面从严治党要求，现就进一步加强基层党组织建设提出如下意见。',
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return undefined;
}

function detailsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.details;
    throw err;
  }
  return {};
}

describe('editorial workflow', () => {
  const legal: [DocumentStatus, WorkflowAction, DocumentStatus][] = [
    ['draft', 'submit', 'inReview'],
    ['inReview', 'approve', 'approved'],
    ['inReview', 'reject', 'draft'],
    ['approved', 'publish', 'published'],
    ['published', 'withdraw', 'withdrawn'],
  ];

  test.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  const statuses: DocumentStatus[] = ['draft', 'inReview', 'approved', 'published', 'withdrawn'];
  const actions: WorkflowAction[] = ['submit', 'approve', 'reject', 'publish', 'withdraw'];
  const illegal = statuses
    .flatMap((s) => actions.map((a) => [s, a] as const))
    .filter(([s, a]) => !legal.some(([f, la]) => f === s && la === a));

  test.each(illegal)('%s cannot %s', (status, action) => {
    expect(codeOf(() => nextStatus(status, action))).toBe('CONTENT_WORKFLOW_STEP');
  });

  test('the refusal names the status the step needs', () => {
    expect(detailsOf(() => nextStatus('draft', 'publish'))).toEqual({ action: 'publish', status: 'draft', requiredStatus: 'approved' });
  });

  const submitted: WorkflowStep = {
    action: 'submit',
    from: 'draft',
    to: 'inReview',
    actor: 'editor-1',
    at: '2024-03-01T00:00:00Z',
    note: '',
  };

  test('a reviewer cannot approve their own submission', () => {
    expect(codeOf(() => applyStep({ status: 'inReview', history: [submitted] }, 'approve', 'editor-1', 'now'))).toBe('CONTENT_SELF_REVIEW');
    expect(applyStep({ status: 'inReview', history: [submitted] }, 'approve', 'reviewer-1', 'now')).toMatchObject({
      action: 'approve',
      from: 'inReview',
      to: 'approved',
      actor: 'reviewer-1',
    });
  });

  test('a rejection needs a reason', () => {
    expect(detailsOf(() => applyStep({ status: 'inReview', history: [submitted] }, 'reject', 'reviewer-1', 'now', ' '))).toHaveProperty(
      'note',
    );
    expect(applyStep({ status: 'inReview', history: [submitted] }, 'reject', 'reviewer-1', 'now', '标题有误').to).toBe('draft');
  });

  test('only drafts are editable', () => {
    expect(codeOf(() => assertEditable({ status: 'draft' }))).toBeUndefined();
    expect(codeOf(() => assertEditable({ status: 'published' }))).toBe('CONTENT_NOT_DRAFT');
  });
});

describe('document fields', () => {
  test('valid fields are normalised', () => {
    const fields = validateFields(validPolicy);
    expect(fields.docNumber).toBe('江委发〔2024〕3号');
    expect(fields.topics).toEqual(['组织建设', '党的建设']);
  });

  test('every bad field is named at once', () => {
    const details = detailsOf(() =>
      validateFields({
        ...validPolicy,
        title: ' ',
        issuedAt: '2023-02-30',
        docType: '传单',
        effectiveStatus: 'unknown' as never,
        body: '字'.repeat(200_001),
      }),
    );
    expect(Object.keys(details).sort()).toEqual(['body', 'docType', 'effectiveStatus', 'issuedAt', 'title']);
  });

  test('document number must parse and match the issue year', () => {
    expect(detailsOf(() => validateFields({ ...validPolicy, docNumber: '第三号文件' }))).toHaveProperty('docNumber');
    expect(detailsOf(() => validateFields({ ...validPolicy, docNumber: '江委发〔2023〕3号' })).docNumber).toMatch(/differs/);
  });

  test('every kind of 公文, of Party regulation and the usual others is a policy document type', () => {
    const types = [
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
      '党章',
      '准则',
      '条例',
      '规定',
      '办法',
      '规则',
      '细则',
      '讲话',
      '方案',
      '规划',
      '纲要',
    ];
    for (const docType of types) expect(validateFields({ ...validPolicy, docType }).docType).toBe(docType);
    expect(detailsOf(() => validateFields({ ...validPolicy, docType: '新闻' }))).toHaveProperty('docType');
  });

  test('a query word names a document type, plain or qualified', () => {
    expect(documentTypeOf('通知')).toBe('通知');
    expect(documentTypeOf('纪要')).toBe('纪要');
    expect(documentTypeOf('工作方案')).toBe('方案');
    expect(documentTypeOf('实施意见')).toBe('意见');
    expect(documentTypeOf('党课')).toBe('党课');
    expect(documentTypeOf('三会一课')).toBeUndefined();
    expect(documentTypeOf('工作函')).toBeUndefined();
  });

  test('articles use article categories', () => {
    expect(validateFields({ ...validPolicy, kind: 'article', docNumber: '', docType: '新闻' }).kind).toBe('article');
    expect(detailsOf(() => validateFields({ ...validPolicy, kind: 'article', docType: '意见' }))).toHaveProperty('docType');
  });

  test('calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-2-1')).toBe(false);
  });
});

describe('which events the indexer acts on', () => {
  const step = (action: WorkflowAction, from: DocumentStatus, to: DocumentStatus) => ({ type: documentEvents[action], data: { from, to } });

  test('steps into and out of published, and moves, may change the index', () => {
    expect(mayChangeIndex(step('publish', 'approved', 'published'))).toBe(true);
    expect(mayChangeIndex(step('withdraw', 'published', 'withdrawn'))).toBe(true);
    expect(mayChangeIndex({ type: documentEvents.moved, data: { from: '/1/', to: '/2/' } })).toBe(true);
  });

  test('drafts created or edited, and steps before publishing, cannot', () => {
    expect(mayChangeIndex({ type: documentEvents.created, data: { revision: 1 } })).toBe(false);
    expect(mayChangeIndex({ type: documentEvents.updated, data: { revision: 2 } })).toBe(false);
    expect(mayChangeIndex(step('submit', 'draft', 'inReview'))).toBe(false);
    expect(mayChangeIndex(step('approve', 'inReview', 'approved'))).toBe(false);
    expect(mayChangeIndex(step('reject', 'inReview', 'draft'))).toBe(false);
  });

  test('an event it cannot read or does not know is acted on', () => {
    expect(mayChangeIndex({ type: documentEvents.submit, data: {} })).toBe(true);
    expect(mayChangeIndex({ type: documentEvents.approve, data: { from: 'inReview', to: 'somewhere' } })).toBe(true);
    expect(mayChangeIndex({ type: 'content.document.archived' })).toBe(true);
  });
});
