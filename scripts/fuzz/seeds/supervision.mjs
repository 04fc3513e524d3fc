// The fuzz stage's data for the supervision service, on the member seed's organisations
// (supervision knows them from the member service's events): a discipline case open and one
// decided, a monthly notice in draft, a published power item with an execution under way, and a
// draft item.

/** Seeded ids by dictionary, and the fields and paths that take them. */
export const dictionaries = {
  cases: { paths: ['^/api/v1/cases/\\{id\\}'], fields: [] },
  notices: { paths: ['^/api/v1/notices/\\{id\\}'], fields: [] },
  powerItems: { paths: ['^/api/v1/power-items/\\{id\\}'], fields: ['query.powerItemId'] },
  powerExecutions: { paths: ['^/api/v1/power-executions/\\{id\\}'], fields: [] },
  members: { fields: ['body.persons[*].memberId'] },
};

/** Seeds through the REST API with `api(method, path, identity, body)`; records ids with `record`. */
export async function seed({ api, identities, ids, record, testbed }) {
  // The member seed's tree: province, city, its two branches, a group, the other city, its branch.
  const [, city, branch] = ids.organizations ?? [];
  const [memberId] = ids.members ?? [];
  if (!branch || !memberId) throw new Error('the supervision seed needs the member seed’s organisations and members');
  await testbed.waitFor(async () => (await api('GET', `/api/v1/power-items?organizationId=${branch}`, identities.admin)).items, {
    what: 'the member seed’s organisations in the supervision service',
    timeoutMs: 60_000,
  });
  const caseBody = (n) => ({
    number: `青纪案〔2025〕${n}号`,
    organizationId: branch,
    category: 'banqueting',
    summary: '违规接受管理服务对象宴请（模糊测试）',
    foundAt: '2025-03-02',
    persons: [{ name: '孙某', post: '某局科长', level: 'townshipAndBelow', memberId }],
  });
  const open = await api('POST', '/api/v1/cases', identities.admin, caseBody(1));
  const decided = await api('POST', '/api/v1/cases', identities.admin, caseBody(2));
  await api('POST', `/api/v1/cases/${decided.id}/decision`, identities.admin, {
    decidedAt: '2025-03-20',
    decisions: [{ partySanction: 'seriousWarning', governmentSanction: 'majorDemerit' }],
  });
  record('cases', open.id, decided.id);
  const notice = await api('POST', '/api/v1/notices', identities.admin, { kind: 'monthly', organizationId: city, month: '2025-03' });
  record('notices', notice.id);
  const content = {
    name: '村集体资产处置（模糊测试）',
    kind: 'publicPower',
    responsibleBody: '村民委员会',
    basis: [{ document: '《中华人民共和国村民委员会组织法》', article: '第二十四条' }],
    process: [
      { name: '村民委员会提出方案', actor: '村民委员会', timeLimitDays: 5 },
      { name: '村民会议讨论决定', actor: '村民会议', timeLimitDays: 10 },
    ],
    publicity: { content: '处置方案和结果', channel: '村务公开栏', timing: '决定后5个工作日内' },
    accountability: '未经村民会议讨论决定处置集体资产的，依规依纪追究责任',
  };
  const published = await api('POST', '/api/v1/power-items', identities.admin, { organizationId: branch, content });
  await api('POST', `/api/v1/power-items/${published.id}/publish`, identities.admin);
  const draft = await api('POST', '/api/v1/power-items', identities.admin, {
    organizationId: branch,
    content: { ...content, name: '村务公开（模糊测试）' },
  });
  record('powerItems', published.id, draft.id);
  const execution = await api('POST', `/api/v1/power-items/${published.id}/executions`, identities.admin, {
    title: '旧村部出租',
    startedAt: '2026-03-02',
  });
  record('powerExecutions', execution.id);
}
