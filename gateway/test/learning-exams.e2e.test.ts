/**
 * Exams and study points through REST against the real learning service, document store and
 * NATS: question banks, rule-drawn papers per candidate, automatic grading but for short
 * answers, retakes, the server's timer and late answers, anomaly flags that never change a
 * score, unit tests of course units, and study points that are off unless turned on and never
 * change an assessment.
 */
import { randomUUID } from 'node:crypto';
import { nodes, publishedCourse, staff, startLearningPlatform, tree, waitFor, type Json, type LearningPlatform } from './learning-support';

jest.setTimeout(180_000);

let lp: LearningPlatform;
beforeAll(async () => {
  lp = await startLearningPlatform();
});
afterAll(async () => lp?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));

/** One question of each type; answers keyed by type for the candidate who knows them. */
const questions = {
  singleChoice: {
    type: 'singleChoice',
    stem: '党的最高领导机关是？',
    options: [
      { key: 'A', text: '党的全国代表大会和它所产生的中央委员会' },
      { key: 'B', text: '中央政治局' },
      { key: 'C', text: '中央书记处' },
    ],
    correctKeys: ['A'],
    knowledgePoints: ['党章'],
  },
  multipleChoice: {
    type: 'multipleChoice',
    stem: '三会一课中的“三会”包括？',
    options: [
      { key: 'A', text: '支部党员大会' },
      { key: 'B', text: '支部委员会' },
      { key: 'C', text: '党小组会' },
      { key: 'D', text: '职工代表大会' },
    ],
    correctKeys: ['A', 'B', 'C'],
    knowledgePoints: ['组织生活'],
  },
  trueFalse: { type: 'trueFalse', stem: '预备党员的预备期为一年。', correctTruth: true, knowledgePoints: ['党章'] },
  fillIn: { type: 'fillIn', stem: '中国共产党党员必须全心全意为____服务。', blanks: [['人民', '人民群众']], knowledgePoints: ['党章'] },
  shortAnswer: {
    type: 'shortAnswer',
    stem: '简述党员的八项义务之一。',
    referenceAnswer: '认真学习马克思列宁主义……',
    knowledgePoints: ['党章'],
  },
} as const;
const rightAnswers: Record<string, Json> = {
  singleChoice: { keys: ['A'] },
  multipleChoice: { keys: ['C', 'A', 'B'] },
  trueFalse: { truth: true },
  // A full-width spelling of an accepted answer counts.
  fillIn: { texts: ['\u3000人民群众\u3000'] },
  shortAnswer: { texts: ['坚持党和人民的利益高于一切。'] },
};
const wrongAnswers: Record<string, Json> = {
  singleChoice: { keys: ['B'] },
  multipleChoice: { keys: ['A', 'B'] },
  trueFalse: { truth: false },
  fillIn: { texts: ['群众路线'] },
  shortAnswer: { texts: ['不知道'] },
};

async function bankWithQuestions(author: Record<string, string>, copies = 1): Promise<{ bank: Json; ids: Record<string, string[]> }> {
  const bank = (await lp.call('POST', '/api/v1/question-banks', author, { name: `党章党规题库-${randomUUID().slice(0, 6)}` })).body;
  const ids: Record<string, string[]> = {};
  for (let i = 0; i < copies; i++) {
    for (const [type, question] of Object.entries(questions)) {
      const added = await lp.call('POST', `/api/v1/question-banks/${bank.id}/questions`, author, {
        ...question,
        stem: `${question.stem}（${i + 1}）`,
      });
      expect(added.status).toBe(201);
      (ids[type] ??= []).push(added.body.id);
    }
  }
  return { bank, ids };
}

/** A published exam of one question of each type (2 points each, the short answer 4). */
async function fixedExam(ids: Record<string, string[]>, overrides: Record<string, unknown> = {}): Promise<Json> {
  const created = await lp.call('POST', '/api/v1/exams', staff.cityA, {
    title: `党章知识测试-${randomUUID().slice(0, 6)}`,
    fixedQuestions: Object.keys(questions).map((type) => ({ questionId: ids[type]![0], score: type === 'shortAnswer' ? 4 : 2 })),
    durationMinutes: 30,
    passMark: 8,
    retakes: 1,
    ...overrides,
  });
  expect(created.status).toBe(201);
  const published = await lp.call('POST', `/api/v1/exams/${created.body.id}/publish`, staff.cityA);
  expect(published.status).toBe(200);
  return published.body;
}

async function answerAll(token: Record<string, string>, paper: Json, answers: Record<string, Json>, skip: string[] = []): Promise<Json> {
  let last = paper;
  for (const q of paper.questions) {
    if (skip.includes(q.type)) continue;
    const response = await lp.call('PUT', `/api/v1/papers/${paper.id}/answers/${q.questionId}`, token, answers[q.type]);
    expect(response.status).toBe(200);
    last = response.body;
  }
  return last;
}

let bank: Json;
let ids: Record<string, string[]>;
beforeAll(async () => {
  ({ bank, ids } = await bankWithQuestions(staff.cityA, 3));
});

describe('question banks', () => {
  test('a bank per organisation: questions of every type; a malformed one refused naming the field; another city sees nothing', async () => {
    expect(bank.orgPath).toBe(tree.cityA);
    const listed = await lp.call(
      'GET',
      `/api/v1/question-banks/${bank.id}/questions?knowledgePoint=${encodeURIComponent('组织生活')}`,
      staff.cityA,
    );
    expect(listed.body.total).toBe(3);
    expect(listed.body.items[0]).toMatchObject({ type: 'multipleChoice', correctKeys: ['A', 'B', 'C'] });
    const bad: [Record<string, unknown>, string][] = [
      [{ ...questions.singleChoice, correctKeys: ['A', 'B'] }, 'correctKeys'],
      [{ ...questions.singleChoice, correctKeys: ['E'] }, 'correctKeys'],
      [{ ...questions.fillIn, blanks: [] }, 'blanks'],
      [{ ...questions.shortAnswer, referenceAnswer: '' }, 'referenceAnswer'],
      [{ ...questions.trueFalse, type: 'essay' }, 'body.type'],
    ];
    for (const [body, field] of bad) {
      const response = await lp.call('POST', `/api/v1/question-banks/${bank.id}/questions`, staff.cityA, body);
      expect([field, response.status]).toEqual([field, 400]);
      expect(Object.keys(response.body.error.details)).toContain(field);
    }
    expect((await lp.call('GET', `/api/v1/question-banks/${bank.id}/questions`, staff.cityA)).body.total).toBe(15);
    expect((await lp.call('GET', `/api/v1/question-banks/${bank.id}/questions`, staff.cityB)).status).toBe(404);
    expect((await lp.call('POST', `/api/v1/question-banks/${bank.id}/questions`, staff.cityB, questions.trueFalse)).status).toBe(404);
    expect((await lp.call('GET', '/api/v1/question-banks', staff.cityB)).body.items.some((b: Json) => b.id === bank.id)).toBe(false);
    await waitFor(async () => (await lp.events('learning.question.added')).filter((e) => e.data.bankId === bank.id).length === 15, {
      what: 'the question events',
    });
  });
});

describe('papers', () => {
  test('drawn by rules per candidate, shuffled from a seed, without the answers; a rule the bank cannot fill is refused at publishing', async () => {
    const draw = {
      title: '随机组卷',
      drawRules: [
        { bankId: bank.id, type: 'singleChoice', knowledgePoint: '党章', count: 2, score: 5 },
        { bankId: bank.id, type: 'trueFalse', count: 3, score: 5 },
      ],
      durationMinutes: 20,
      passMark: 15,
      retakes: 0,
    };
    const short = (await lp.call('POST', '/api/v1/exams', staff.cityA, { ...draw, drawRules: [{ ...draw.drawRules[0], count: 4 }] })).body;
    const refused = await lp.call('POST', `/api/v1/exams/${short.id}/publish`, staff.cityA);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'EXAM_DRAW_SHORT', details: { rule: '1', needed: '4', available: '3' } });
    const exam = (await lp.call('POST', '/api/v1/exams', staff.cityA, draw)).body;
    expect(exam.totalScore).toBe(25);
    expect((await lp.call('POST', `/api/v1/exams/${exam.id}/publish`, staff.cityA)).body.status).toBe('published');
    const papers: Json[] = [];
    for (let i = 0; i < 4; i++) {
      const candidate = await lp.member(tree.branchA1);
      const opened = await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, candidate.token);
      expect(opened.status).toBe(201);
      const paper = opened.body;
      expect(paper).toMatchObject({ attempt: 1, status: 'open', totalScore: 25, memberId: candidate.memberId });
      expect(paper.questions.filter((q: Json) => q.type === 'singleChoice')).toHaveLength(2);
      expect(paper.questions.filter((q: Json) => q.type === 'trueFalse')).toHaveLength(3);
      expect(new Set(paper.questions.map((q: Json) => q.questionId)).size).toBe(5);
      expect(JSON.stringify(paper)).not.toMatch(/correct|accepted|referenceAnswer/);
      // The same paper on every read; a second paper of one exam is refused.
      expect((await lp.call('GET', `/api/v1/papers/${paper.id}`, candidate.token)).body.questions).toEqual(paper.questions);
      const twice = await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, candidate.token);
      expect(twice.status).toBe(409);
      expect(twice.body.error).toMatchObject({ code: 'EXAM_PAPER_OPEN', details: { paperId: paper.id } });
      papers.push(paper);
    }
    expect(new Set(papers.map((p) => p.seed)).size).toBe(4);
    // Four candidates do not all get the same order of questions.
    expect(new Set(papers.map((p) => p.questions.map((q: Json) => q.questionId).join())).size).toBeGreaterThan(1);
    // Someone else's paper is not theirs to read; another city's staff do not see it.
    const stranger = await lp.member(tree.branchA1);
    expect((await lp.call('GET', `/api/v1/papers/${papers[0].id}`, stranger.token)).status).toBe(404);
    expect((await lp.call('GET', `/api/v1/papers/${papers[0].id}`, staff.cityB)).status).toBe(404);
    await waitFor(async () => (await lp.events('learning.paper.opened')).filter((e) => e.data.examId === exam.id).length === 4, {
      what: 'the opened events',
    });
  });

  test('graded automatically but for short answers, which a grader grades; an answer after submission refused; retakes; a closed exam takes no grade', async () => {
    const exam = await fixedExam(ids);
    const candidate = await lp.member(tree.branchA1);
    const paper = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, candidate.token)).body;
    const answered = await answerAll(candidate.token, paper, rightAnswers);
    // While the paper is open, no score is shown.
    expect(answered.score).toBe(0);
    const submitted = (await lp.call('POST', `/api/v1/papers/${paper.id}/submit`, candidate.token)).body;
    expect(submitted).toMatchObject({ status: 'submitted', score: 8, passed: false });
    expect(submitted.answers.find((a: Json) => a.questionId === ids.shortAnswer![0]).score).toBe(-1);
    const late = await lp.call('PUT', `/api/v1/papers/${paper.id}/answers/${ids.trueFalse![0]}`, candidate.token, { truth: false });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EXAM_PAPER_SUBMITTED');
    expect((await lp.call('POST', `/api/v1/papers/${paper.id}/submit`, candidate.token)).body.error.code).toBe('EXAM_PAPER_SUBMITTED');
    // Grading: the grader role within scope, a score within the question's.
    const grade = (score: number, token: Record<string, string> = staff.cityA, questionId = ids.shortAnswer![0]) =>
      lp.call('POST', `/api/v1/papers/${paper.id}/grades`, token, { questionId, score });
    expect((await grade(3, candidate.token)).status).toBe(403);
    expect((await grade(3, staff.cityB)).status).toBe(404);
    const tooMuch = await grade(5);
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details.score).toBeDefined();
    expect((await grade(2, staff.cityA, ids.trueFalse![0])).body.error.code).toBe('EXAM_NOTHING_TO_GRADE');
    const waiting = await lp.call('GET', `/api/v1/exams/${exam.id}/papers?awaitingGrading=true`, staff.cityA);
    expect(waiting.body.items.map((p: Json) => p.id)).toEqual([paper.id]);
    const graded = (await grade(3)).body;
    expect(graded).toMatchObject({ status: 'graded', score: 11, passed: true });
    const event = await waitFor(async () => (await lp.events('learning.paper.graded')).find((e) => e.subjectId === paper.id), {
      what: 'the graded event',
    });
    expect(event.data).toMatchObject({ score: 11, totalScore: 12, passed: true, attempt: 1 });
    expect((await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, candidate.token)).body.error.code).toBe('EXAM_ALREADY_PASSED');

    // One retake (补考) after a fail, no more.
    const failing = await lp.member(tree.branchA1);
    for (const attempt of [1, 2]) {
      const p = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, failing.token)).body;
      expect(p.attempt).toBe(attempt);
      await answerAll(failing.token, p, wrongAnswers, ['shortAnswer']);
      expect((await lp.call('POST', `/api/v1/papers/${p.id}/submit`, failing.token)).body).toMatchObject({
        status: 'graded',
        score: 0,
        passed: false,
      });
    }
    const third = await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, failing.token);
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'EXAM_NO_RETAKES_LEFT', details: { retakes: '1' } });

    // A closed exam's results are final.
    const pending = await lp.member(tree.branchA1);
    const open = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, pending.token)).body;
    await answerAll(pending.token, open, rightAnswers);
    await lp.call('POST', `/api/v1/papers/${open.id}/submit`, pending.token);
    expect((await lp.call('POST', `/api/v1/exams/${exam.id}/close`, staff.cityA)).body.status).toBe('closed');
    const closed = await lp.call('POST', `/api/v1/papers/${open.id}/grades`, staff.cityA, { questionId: ids.shortAnswer![0], score: 4 });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('EXAM_CLOSED');
    expect((await lp.call('GET', `/api/v1/papers/${open.id}`, pending.token)).body).toMatchObject({ status: 'submitted', score: 8 });
    expect((await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, failing.token)).body.error.code).toBe('EXAM_NOT_OPEN');
  });

  test('anomalies are flagged for review and change no score: answers under the floor, a paper within a minute', async () => {
    const exam = await fixedExam(ids, { minSecondsPerQuestion: 20 });
    const quick = await lp.member(tree.branchA1);
    const paper = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, quick.token)).body;
    await answerAll(quick.token, paper, rightAnswers, ['shortAnswer']);
    const done = (await lp.call('POST', `/api/v1/papers/${paper.id}/submit`, quick.token)).body;
    expect(done.flags.filter((f: Json) => f.kind === 'tooFast')).toHaveLength(4);
    // Not every question was answered: the short answer is left out, so no whole-paper flag.
    expect(done.flags.some((f: Json) => f.kind === 'paperUnderOneMinute')).toBe(false);
    expect(done).toMatchObject({ status: 'graded', score: 8, passed: true });
    const all = await lp.member(tree.branchA1);
    const full = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, all.token)).body;
    await answerAll(all.token, full, rightAnswers);
    const whole = (await lp.call('POST', `/api/v1/papers/${full.id}/submit`, all.token)).body;
    expect(whole.flags.map((f: Json) => f.kind)).toContain('paperUnderOneMinute');
    expect(whole).toMatchObject({ status: 'submitted', score: 8 });
    const flagged = await lp.call('GET', `/api/v1/exams/${exam.id}/papers?flaggedOnly=true`, staff.cityA);
    expect(flagged.body.items.map((p: Json) => p.id).sort()).toEqual([paper.id, full.id].sort());
    await waitFor(
      async () =>
        (await lp.events('learning.paper.flagged')).some((e) => e.subjectId === full.id && e.data.flags.includes('paperUnderOneMinute')),
      {
        what: 'the flagged event',
      },
    );
  });

  test('the server holds the time: at the deadline a paper is handed in as it stands, and a late answer is flagged and not counted', async () => {
    const slow = await lp.member(tree.branchA1);
    const idle = await lp.member(tree.branchA1);
    const closesAt = new Date(Date.now() + 4_000).toISOString();
    const exam = await fixedExam(ids, { closesAt });
    const paper = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, slow.token)).body;
    const idlePaper = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, idle.token)).body;
    expect(Date.parse(paper.deadline)).toBe(Date.parse(closesAt));
    const singleId = ids.singleChoice![0];
    expect((await lp.call('PUT', `/api/v1/papers/${paper.id}/answers/${singleId}`, slow.token, rightAnswers.singleChoice)).status).toBe(
      200,
    );
    await sleep(Date.parse(closesAt) - Date.now() + 300);
    const late = await lp.call('PUT', `/api/v1/papers/${paper.id}/answers/${ids.trueFalse![0]}`, slow.token, rightAnswers.trueFalse);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'EXAM_DEADLINE_PASSED', details: { deadline: paper.deadline } });
    const handedIn = (await lp.call('GET', `/api/v1/papers/${paper.id}`, slow.token)).body;
    expect(handedIn).toMatchObject({ status: 'graded', autoSubmitted: true, submittedAt: paper.deadline, score: 2, passed: false });
    expect(handedIn.answers).toHaveLength(1);
    expect(handedIn.flags).toEqual([expect.objectContaining({ kind: 'lateAnswer', questionId: ids.trueFalse![0] })]);
    // The timer job hands in what nobody touched (its scheduled tick may have done so already).
    await (lp.platform.apps.learning as Json).exams.submitOverdue(new Date());
    const byTimer = (await lp.call('GET', `/api/v1/exams/${exam.id}/papers`, staff.cityA)).body.items.find(
      (p: Json) => p.id === idlePaper.id,
    );
    expect(byTimer).toMatchObject({ status: 'graded', autoSubmitted: true, submittedAt: idlePaper.deadline, score: 0 });
    const event = await waitFor(async () => (await lp.events('learning.paper.submitted')).find((e) => e.subjectId === idlePaper.id), {
      what: 'the auto-submitted event',
    });
    expect(event).toMatchObject({ actor: 'system', data: { autoSubmitted: true } });
  });

  test('a unit test: the unit completes once it is read and its test passed, and earns the bonus', async () => {
    const exam = await fixedExam(ids, { passMark: 6 });
    const course = await publishedCourse(lp, staff.cityA, {
      units: [{ title: '党章学习', kind: 'article', minutes: 40, testExamId: exam.id }],
    });
    expect(course.units[0].hours).toBe(1.5);
    const learner = await lp.member(tree.branchA1);
    expect((await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, learner.token)).status).toBe(201);
    const session = (await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[0].id}/sessions`, learner.token)).body;
    const read = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, learner.token, { readToPermille: 1000 });
    expect(read.body).toMatchObject({ unitCompleted: false, unit: { readToPermille: 1000, testPassed: false } });
    expect((await lp.call('GET', '/api/v1/me/ledger', learner.token)).body.total).toBe(0);
    const paper = (await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, learner.token)).body;
    await answerAll(learner.token, paper, rightAnswers, ['shortAnswer']);
    expect((await lp.call('POST', `/api/v1/papers/${paper.id}/submit`, learner.token)).body.passed).toBe(true);
    const enrolment = await waitFor(
      async () => {
        const e = (await lp.call('GET', `/api/v1/enrolments/${course.id}:${learner.memberId}`, learner.token)).body;
        return e.status === 'completed' && e;
      },
      { what: 'the unit to complete' },
    );
    expect(enrolment.units[0]).toMatchObject({ testPassed: true, hours: 1.5 });
    expect((await lp.call('GET', '/api/v1/me/ledger', learner.token)).body).toMatchObject({ year, online: 1.5, total: 1.5 });
  });
});

describe('changing a draft exam', () => {
  /** A draft of one question of each type (12 points), as fixedExam's before publishing. */
  const draftBody = () => ({
    title: `党章知识测试-${randomUUID().slice(0, 6)}`,
    fixedQuestions: Object.keys(questions).map((type) => ({ questionId: ids[type]![0], score: type === 'shortAnswer' ? 4 : 2 })),
    durationMinutes: 30,
    passMark: 8,
    retakes: 1,
  });
  const updatedEvents = async (examId: string) => (await lp.events('learning.exam.updated')).filter((e) => e.subjectId === examId);

  test('a draft changes the fields sent and keeps the others, at the revision read, with an event; a bad value is named', async () => {
    const created = await lp.call('POST', '/api/v1/exams', staff.cityA, draftBody());
    expect(created.body).toMatchObject({ status: 'draft', revision: 1, audience: { kind: 'allMembers', cadreLevels: [] } });
    const exam = created.body;
    const opensAt = new Date(Date.now() + 86_400_000).toISOString();
    const patched = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, {
      title: '党章知识测试（修订）',
      passMark: 10,
      durationMinutes: 45,
      retakes: 2,
      opensAt,
      fixedQuestions: [
        { questionId: ids.singleChoice![0], score: 6 },
        { questionId: ids.trueFalse![0], score: 6 },
      ],
      audience: { kind: 'cadres', cadreLevels: ['countyDivision'] },
      expectedRevision: 1,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      title: '党章知识测试（修订）',
      passMark: 10,
      durationMinutes: 45,
      retakes: 2,
      totalScore: 12,
      audience: { kind: 'cadres', cadreLevels: ['countyDivision'] },
      status: 'draft',
      revision: 2,
      minSecondsPerQuestion: 0,
      closesAt: '',
    });
    expect(Date.parse(patched.body.opensAt)).toBe(Date.parse(opensAt));
    expect(patched.body.fixedQuestions).toHaveLength(2);
    // Fields left out keep their values; '' clears the window.
    const cleared = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, { opensAt: '', expectedRevision: 2 });
    expect(cleared.body).toMatchObject({ opensAt: '', title: '党章知识测试（修订）', passMark: 10, revision: 3 });
    expect((await lp.call('GET', `/api/v1/exams/${exam.id}`, staff.cityA)).body).toMatchObject({ revision: 3, durationMinutes: 45 });
    const events = await waitFor(async () => ((await updatedEvents(exam.id)).length === 2 ? updatedEvents(exam.id) : undefined), {
      what: 'the updated events',
    });
    expect(events.map((e) => e.data.changed)).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['title', 'passMark', 'durationMinutes', 'retakes', 'opensAt', 'fixedQuestions', 'audience']),
        ['opensAt'],
      ]),
    );
    expect(events[0]).toMatchObject({ actor: 'org-ca', orgPath: tree.cityA });

    // Someone changed it since revision 2 was read.
    const stale = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, { title: '旧的标题', expectedRevision: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'STALE_REVISION', details: { revision: '3', expectedRevision: '2' } });
    // Bad values are named by their field, the service's rules as CreateExam's.
    const bad: [Record<string, unknown>, string][] = [
      [{ passMark: 13 }, 'passMark'],
      [{ fixedQuestions: [] }, 'fixedQuestions'],
      [{ audience: { kind: 'allMembers', cadreLevels: ['countyDivision'] } }, 'audience.cadreLevels'],
      [{ closesAt: '2020-01-01T00:00:00Z', opensAt: '2020-02-01T00:00:00Z' }, 'closesAt'],
      [{ durationMinutes: 0 }, 'body.durationMinutes'],
      [{ audience: { kind: 'everyone' } }, 'body.audience.kind'],
    ];
    for (const [body, field] of bad) {
      const response = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, body);
      expect([field, response.status]).toEqual([field, 400]);
      expect(Object.keys(response.body.error.details)).toContain(field);
    }
    const unknownQuestion = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, {
      fixedQuestions: [{ questionId: randomUUID(), score: 12 }],
    });
    expect(unknownQuestion.body.error).toMatchObject({ code: 'EXAM_QUESTION_MISSING', details: { field: 'fixedQuestions[0].questionId' } });
    expect((await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityB, { title: '别人的' })).status).toBe(404);
    expect((await lp.call('GET', `/api/v1/exams/${exam.id}`, staff.cityA)).body).toMatchObject({ revision: 3, passMark: 10 });
    expect(await updatedEvents(exam.id)).toHaveLength(2);
  });

  test('a published exam is not changed: 409 naming its status, nothing written', async () => {
    const exam = await fixedExam(ids);
    const refused = await lp.call('PATCH', `/api/v1/exams/${exam.id}`, staff.cityA, {
      title: '发布后修改',
      expectedRevision: exam.revision,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'EXAM_NOT_DRAFT', details: { status: 'published' } });
    expect(refused.body.error.message).toContain('published');
    const after = (await lp.call('GET', `/api/v1/exams/${exam.id}`, staff.cityA)).body;
    expect(after).toEqual(exam);
    // The publish step's event travels after nothing of an update.
    await waitFor(async () => (await lp.events('learning.exam.published')).some((e) => e.subjectId === exam.id), {
      what: 'the published event',
    });
    expect(await updatedEvents(exam.id)).toHaveLength(0);
  });
});

describe("an exam's audience", () => {
  test('only its audience opens a paper and lists it as theirs; an exam saved without one is for all members', async () => {
    const exam = await fixedExam(ids, { audience: { kind: 'cadres', cadreLevels: ['countyDivision'] } });
    expect(exam.audience).toEqual({ kind: 'cadres', cadreLevels: ['countyDivision'] });
    const forAll = await fixedExam(ids);
    const member = await lp.member(tree.branchA1);
    const otherLevel = await lp.member(tree.branchA1, { cadreLevel: 'townshipSection' });
    const cadre = await lp.member(tree.branchA2, { cadreLevel: 'countyDivision' });
    for (const outside of [member, otherLevel]) {
      const refused = await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, outside.token);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'EXAM_AUDIENCE', details: { audience: 'cadres', cadreLevels: 'countyDivision' } });
      expect(refused.body.error.message).toContain('cadres (countyDivision)');
    }
    expect((await lp.call('GET', `/api/v1/exams/${exam.id}/papers`, staff.cityA)).body.total).toBe(0);
    const opened = await lp.call('POST', `/api/v1/exams/${exam.id}/papers`, cadre.token);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ memberId: cadre.memberId, attempt: 1 });
    expect((await lp.call('POST', `/api/v1/exams/${forAll.id}/papers`, member.token)).status).toBe(201);

    const listed = async (token: Record<string, string>) =>
      (await lp.call('GET', '/api/v1/exams?forMe=true&size=100', token)).body.items.map((e: Json) => e.id);
    expect(await listed(cadre.token)).toEqual(expect.arrayContaining([exam.id, forAll.id]));
    expect(await listed(member.token)).toContain(forAll.id);
    expect(await listed(member.token)).not.toContain(exam.id);
    expect(await listed(otherLevel.token)).not.toContain(exam.id);
    // Another city's members are not offered city A's exams.
    expect(await listed((await lp.member(tree.branchB1)).token)).not.toContain(forAll.id);
    // The staff list still needs the right to manage exams.
    expect((await lp.call('GET', '/api/v1/exams', member.token)).status).toBe(403);

    // An exam saved before exams had an audience (none stored) reads, and opens, as for all members.
    const legacy = await fixedExam(ids);
    await (lp.platform.apps.learning as Json).exams.exams.exams.model.updateOne({ _id: legacy.id }, { $unset: { audience: 1 } }).exec();
    expect((await lp.call('GET', `/api/v1/exams/${legacy.id}`, staff.cityA)).body.audience).toEqual({
      kind: 'allMembers',
      cadreLevels: [],
    });
    expect((await lp.call('POST', `/api/v1/exams/${legacy.id}/papers`, member.token)).status).toBe(201);
    expect(await listed(member.token)).toContain(legacy.id);
  });
});

describe('study points: opt-in, never an assessment basis', () => {
  test('off unless an organisation turns them on; awarded once per action; statistics per organisation only; assessments unchanged', async () => {
    expect(
      (await lp.call('PUT', `/api/v1/organizations/${nodes.branchA1}/points-setting`, staff.secretaryA1, { enabled: true })).status,
    ).toBe(403);
    expect((await lp.call('PUT', `/api/v1/organizations/${nodes.branchA1}/points-setting`, staff.cityB, { enabled: true })).status).toBe(
      404,
    );
    const on = await lp.call('PUT', `/api/v1/organizations/${nodes.branchB1}/points-setting`, staff.cityB, { enabled: true });
    expect(on.body).toEqual({ organizationId: nodes.branchB1, enabled: true });
    await waitFor(async () => (await lp.events('learning.points.settingChanged')).some((e) => e.subjectId === nodes.branchB1), {
      what: 'the setting event',
    });
    // The same work by two cadres, one where points are on (B1) and one where they are not (A2).
    const withPoints = await lp.member(tree.branchB1, { cadreLevel: 'townshipSection' });
    const without = await lp.member(tree.branchA2, { cadreLevel: 'townshipSection' });
    const course = await publishedCourse(lp, staff.province, {
      units: [
        { title: '一', kind: 'article', minutes: 40 },
        { title: '二', kind: 'article', minutes: 20 },
      ],
    });
    for (const cadre of [withPoints, without]) {
      expect((await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, cadre.token)).status).toBe(201);
      for (const unit of course.units) {
        const session = (await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit.id}/sessions`, cadre.token)).body;
        for (let i = 0; i < 2; i++)
          await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, cadre.token, { readToPermille: 1000 });
      }
    }
    // Two units completed: 1 point each by the default rules, however often they were reported.
    expect((await lp.call('GET', '/api/v1/me/points', withPoints.token)).body).toMatchObject({ enabled: true, year, total: 2, today: 2 });
    expect((await lp.call('GET', '/api/v1/me/points', without.token)).body).toMatchObject({ enabled: false, total: 0 });
    const stats = (await lp.call('GET', `/api/v1/organizations/${nodes.cityB}/points?year=${year}`, staff.cityB)).body;
    expect(stats).toEqual({ organizationId: nodes.cityB, year, enabled: false, participants: 1, totalPoints: 2 });
    expect((await lp.call('GET', `/api/v1/organizations/${nodes.cityB}/points`, staff.cityA)).status).toBe(404);
    await waitFor(
      async () => (await lp.events('learning.points.awarded')).filter((e) => e.subjectId === withPoints.memberId).length === 2,
      {
        what: 'two awards',
      },
    );

    // The assessments of both read the same: class hours, requirements and standing, nothing of points.
    const assessed = async (cadre: { memberId: string }) => {
      const ledger = (await lp.call('GET', `/api/v1/learners/${cadre.memberId}/ledger`, staff.province)).body;
      const portrait = (await lp.call('GET', `/api/v1/cadres/${cadre.memberId}/portrait`, staff.province)).body;
      return {
        ledger: {
          total: ledger.total,
          online: ledger.online,
          rules: ledger.rules,
          onTrack: ledger.onTrack,
          requirementSet: ledger.requirementSet,
        },
        hours: portrait.hours,
      };
    };
    const [a, b] = [await assessed(withPoints), await assessed(without)];
    expect(a).toEqual(b);
    expect(a.ledger.total).toBe(1.5);
    expect(JSON.stringify(a)).not.toMatch(/point/i);
    const report = await waitFor(
      async () => {
        const r = (await lp.call('GET', `/api/v1/learning/reports/hours?year=${year}&size=500`, staff.province)).body;
        const rows = r.behind.filter((x: Json) => x.memberId === withPoints.memberId || x.memberId === without.memberId);
        return rows.length === 2 && rows;
      },
      { what: 'both cadres in the report' },
    );
    expect(report[0].behindRules).toEqual(report[1].behindRules);
    expect(report[0].total).toBe(report[1].total);
  });

  test('the points rules are versioned data: a new version from a coming day; never reaching back', async () => {
    const rules = {
      version: `v-${randomUUID().slice(0, 6)}`,
      effectiveFrom: '2099-01-01',
      rules: [{ action: 'unitCompleted', points: 2, dailyCap: 10 }],
      dailyMaximum: 20,
    };
    expect((await lp.call('POST', '/api/v1/learning/points-rules', staff.province, rules)).status).toBe(403);
    const back = await lp.call('POST', '/api/v1/learning/points-rules', staff.superAdmin, { ...rules, effectiveFrom: '2020-01-01' });
    expect(back.body.error.code).toBe('LEARNING_RULES_RETROACTIVE');
    expect((await lp.call('POST', '/api/v1/learning/points-rules', staff.superAdmin, rules)).status).toBe(201);
    const versions = (await lp.call('GET', '/api/v1/learning/points-rules', staff.cityA)).body.items.map((v: Json) => v.version);
    expect(versions).toEqual(['default', rules.version]);
  });
});
