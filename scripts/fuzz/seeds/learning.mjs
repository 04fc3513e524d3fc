// The fuzz stage's data for the learning service, on the member seed's members (learning knows
// them from the member service's events): a published course the member caller is enrolled in
// with a session open on its unit, a draft course, a question bank, a published exam with the
// member's paper open on it, and a cadre with a training record.

/** Seeded ids by dictionary, and the fields and paths that take them. */
export const dictionaries = {
  courses: { paths: ['^/api/v1/courses/\\{id\\}'], fields: ['body.courseId', 'query.courseId'] },
  units: { fields: ['path.unitId'] },
  enrolments: { paths: ['^/api/v1/enrolments/\\{id\\}'], fields: [] },
  learningSessions: { paths: ['^/api/v1/learning-sessions/\\{id\\}'], fields: [] },
  questionBanks: { paths: ['^/api/v1/question-banks/\\{id\\}'], fields: ['body.bankId', 'body.drawRules[*].bankId'] },
  questions: { fields: ['path.questionId', 'body.questionId', 'body.fixedQuestions[*].questionId'] },
  exams: { paths: ['^/api/v1/exams/\\{id\\}'], fields: [] },
  papers: { paths: ['^/api/v1/papers/\\{id\\}'], fields: [] },
  members: { fields: ['path.memberId'] },
};

const provinceToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const plusDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Seeds through the REST API with `api(method, path, identity, body)`; records ids with `record`. */
export async function seed({ api, identities, ids, record, testbed }) {
  const [memberId, cadreId] = ids.members ?? [];
  if (!memberId || !cadreId) throw new Error('the learning seed needs the member seed’s members');
  // The member caller's account reaches learning as the member service's user events.
  await testbed.waitFor(
    async () => (await api('GET', `/api/v1/learners/${memberId}`, identities.admin)).userId === identities.member.userId,
    {
      what: 'the member caller as a learner linked to its account',
      timeoutMs: 60_000,
    },
  );
  await testbed.waitFor(async () => (await api('GET', `/api/v1/learners/${cadreId}`, identities.admin)).memberId === cadreId, {
    what: 'the cadre as a learner',
    timeoutMs: 60_000,
  });

  const course = (n, units) => ({
    title: `学习贯彻党的二十届三中全会精神（模糊测试第${n}讲）`,
    topic: `二十届三中全会精神-模糊测试${n}`,
    category: 'theory',
    requirement: 'required',
    audience: { kind: 'allMembers' },
    organiserKind: 'organizationDepartment',
    organiserName: '中共江川省委组织部',
    units,
  });
  const published = await api(
    'POST',
    '/api/v1/courses',
    identities.admin,
    course(1, [
      { title: '全会公报解读', kind: 'article', minutes: 40 },
      { title: '全会精神宣讲', kind: 'video', minutes: 30, videoSeconds: 1_800 },
    ]),
  );
  await api('POST', `/api/v1/courses/${published.id}/publish`, identities.admin);
  const draft = await api('POST', '/api/v1/courses', identities.admin, course(2, [{ title: '决定原文', kind: 'article', minutes: 20 }]));
  record('courses', published.id, draft.id);
  record('units', ...published.units.map((u) => u.id), ...draft.units.map((u) => u.id));
  const enrolment = await api('POST', `/api/v1/courses/${published.id}/enrolments`, identities.member, {});
  record('enrolments', enrolment.id);
  const session = await api('POST', `/api/v1/courses/${published.id}/units/${published.units[0].id}/sessions`, identities.member);
  record('learningSessions', session.id);

  const bank = await api('POST', '/api/v1/question-banks', identities.admin, { name: '党章党规题库（模糊测试）' });
  record('questionBanks', bank.id);
  const questions = [
    {
      type: 'singleChoice',
      stem: '党的最高领导机关是？',
      options: [
        { key: 'A', text: '党的全国代表大会和它所产生的中央委员会' },
        { key: 'B', text: '中央政治局' },
      ],
      correctKeys: ['A'],
      knowledgePoints: ['党章'],
    },
    { type: 'trueFalse', stem: '预备党员的预备期为一年。', correctTruth: true, knowledgePoints: ['党章'] },
    { type: 'fillIn', stem: '中国共产党党员必须全心全意为____服务。', blanks: [['人民', '人民群众']], knowledgePoints: ['党章'] },
    { type: 'shortAnswer', stem: '简述党员的八项义务之一。', referenceAnswer: '认真学习马克思列宁主义……', knowledgePoints: ['党章'] },
  ];
  const questionIds = [];
  for (const question of questions)
    questionIds.push((await api('POST', `/api/v1/question-banks/${bank.id}/questions`, identities.admin, question)).id);
  record('questions', ...questionIds);
  const exam = await api('POST', '/api/v1/exams', identities.admin, {
    title: '党章知识测试（模糊测试）',
    fixedQuestions: questionIds.map((questionId) => ({ questionId, score: 2 })),
    // Open for the whole stage: the server hands a paper in at its end.
    durationMinutes: 600,
    passMark: 4,
    retakes: 1,
  });
  await api('POST', `/api/v1/exams/${exam.id}/publish`, identities.admin);
  record('exams', exam.id);
  const paper = await api('POST', `/api/v1/exams/${exam.id}/papers`, identities.member);
  record('papers', paper.id);

  await api('PATCH', `/api/v1/learners/${cadreId}`, identities.admin, { cadreLevel: 'countyDivision' });
  const today = provinceToday();
  await api('POST', `/api/v1/cadres/${cadreId}/trainings`, identities.admin, {
    title: '县处级干部进修班',
    topic: '模糊测试-进修',
    organiserKind: 'partySchool',
    organiserName: '省委党校',
    mode: 'offline',
    fullTime: true,
    startDate: plusDays(today, -70),
    endDate: plusDays(today, -60),
    hours: 40,
  });
}
