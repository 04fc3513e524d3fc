import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainErrorOf } from '@repo/errors/testing';
import * as pb from '@repo/proto/supervision/v1';
import { decide, validateNewCase, type DisciplineCase } from '../../src/domain/discipline-case';
import { monthlyReport, renderMonthlyReport, type CountedCase } from '../../src/domain/monthly-report';
import { chineseNumber, dateInWords, noticeStep, typicalCasesText, typicalCasesTitle, type Notice } from '../../src/domain/notice';
import {
  coversDate,
  decisionText,
  governmentSanctions,
  idsOf,
  influencePeriods,
  lastDayOf,
  officialLevels,
  partySanctions,
  treatments,
  violationCategories,
} from '../../src/domain/sanctions';

const fixtures = join(__dirname, '../fixtures');

describe('the vocabulary is the contract’s', () => {
  test.each([
    ['categories', idsOf(violationCategories), pb.violationCategoryCodec.values],
    ['levels', idsOf(officialLevels), pb.officialLevelCodec.values],
    ['treatments', idsOf(treatments), pb.treatmentCodec.values],
    ['party sanctions', idsOf(partySanctions), pb.partySanctionCodec.values],
    ['government sanctions', idsOf(governmentSanctions), pb.governmentSanctionCodec.values],
  ])('%s', (_name, domain, codec) => expect(domain).toEqual(codec));
});

describe('influence periods', () => {
  test('each sanction carries the period its regulation sets, month ends as the civil code counts them', () => {
    const period = (decision: Parameters<typeof influencePeriods>[0], on = '2025-03-18') =>
      influencePeriods(decision, on).map((p) => [p.name, p.until]);
    expect(period({ partySanction: 'warning' })).toEqual([['警告', '2026-03-18']]);
    expect(period({ partySanction: 'seriousWarning' }, '2024-08-31')).toEqual([['严重警告', '2026-02-28']]);
    expect(period({ partySanction: 'removalFromPartyPost' })).toEqual([['撤销党内职务', '2027-03-18']]);
    expect(period({ partySanction: 'probation', probationYears: 1 })).toEqual([['留党察看一年', '2028-03-18']]);
    expect(period({ partySanction: 'probation', probationYears: 2 })).toEqual([['留党察看二年', '2029-03-18']]);
    expect(period({ partySanction: 'expulsion' })).toEqual([['开除党籍', '2030-03-18']]);
    expect(period({ governmentSanction: 'governmentWarning' })).toEqual([['政务警告', '2025-09-18']]);
    expect(period({ governmentSanction: 'majorDemerit' })).toEqual([['政务记大过', '2026-09-18']]);
    expect(period({ governmentSanction: 'dismissal' })).toEqual([['政务撤职', '2027-03-18']]);
    expect(period({ governmentSanction: 'discharge' })).toEqual([['政务开除', '']]);
    expect(period({ treatment: 'admonishment' })).toEqual([]);
    expect(period({ partySanction: 'warning', governmentSanction: 'demerit' })).toEqual([
      ['警告', '2026-03-18'],
      ['政务记过', '2026-03-18'],
    ]);
  });

  test('a period covers its first day up to the day before it ends; a discharge never ends', () => {
    const [warning] = influencePeriods({ partySanction: 'warning' }, '2025-03-18');
    expect([
      coversDate(warning!, '2025-03-17'),
      coversDate(warning!, '2025-03-18'),
      coversDate(warning!, '2026-03-17'),
      coversDate(warning!, '2026-03-18'),
    ]).toEqual([false, true, true, false]);
    expect(lastDayOf(warning!)).toBe('2026-03-17');
    const [discharge] = influencePeriods({ governmentSanction: 'discharge' }, '2025-03-18');
    expect(coversDate(discharge!, '2099-01-01')).toBe(true);
  });

  test('decisions in words, as notices write them', () => {
    expect(decisionText({ partySanction: 'seriousWarning', governmentSanction: 'demerit' })).toBe('受到党内严重警告、政务记过处分');
    expect(decisionText({ partySanction: 'expulsion', governmentSanction: 'discharge' })).toBe('受到开除党籍、开除公职处分');
    expect(decisionText({ partySanction: 'probation', probationYears: 2 })).toBe('受到留党察看二年处分');
    expect(decisionText({ treatment: 'admonishment' })).toBe('受到诫勉');
    expect(decisionText({ governmentSanction: 'dismissal', treatment: 'organizationalHandling' })).toBe('受到政务撤职处分，并被组织处理');
  });
});

describe('cases', () => {
  const open: DisciplineCase = {
    id: 'c1',
    number: '江纪案〔2025〕1号',
    organizationId: 'o1',
    orgPath: '/1/',
    category: 'banqueting',
    summary: '违规接受宴请',
    foundAt: '2025-03-01',
    decidedAt: '',
    status: 'open',
    persons: [
      { name: '张某', memberId: '', post: '局长', level: 'countyDivision', influence: [] },
      { name: '李某', memberId: '', post: '科员', level: 'townshipAndBelow', influence: [] },
    ],
    createdBy: 'inspector-1',
    createdAt: '2025-03-01T00:00:00Z',
    revision: 1,
  };
  const none = { treatment: '', partySanction: '', probationYears: 0, governmentSanction: '' };

  test('a new case names every bad field', () => {
    const err = domainErrorOf(() =>
      validateNewCase(
        {
          number: '',
          organizationId: '',
          category: 'bribery',
          summary: '',
          foundAt: '2099-01-01',
          persons: [{ name: '', memberId: '', post: '', level: 'mayor' }],
        },
        '2026-12-01',
      ),
    );
    expect(Object.keys(err.details).sort()).toEqual([
      'category',
      'foundAt',
      'number',
      'organizationId',
      'persons[0].level',
      'persons[0].name',
      'summary',
    ]);
  });

  test('a decision gives each person theirs and their influence periods; it is final', () => {
    const decided = decide(
      open,
      {
        decidedAt: '2025-03-20',
        decisions: [
          { ...none, partySanction: 'warning' },
          { ...none, treatment: 'criticismEducation' },
        ],
      },
      '2026-12-01',
    );
    expect(decided.status).toBe('decided');
    expect(decided.persons.map((p) => p.influence.map((i) => i.until))).toEqual([['2026-03-20'], []]);
    expect(domainErrorOf(() => decide({ ...open, ...decided }, { decidedAt: '2025-03-21', decisions: [] }, '2026-12-01')).code).toBe(
      'CASE_ALREADY_DECIDED',
    );
  });

  test('a decision refuses what does not fit, naming the field', () => {
    const details = (decisions: (typeof none)[], decidedAt = '2025-03-20') =>
      Object.keys(domainErrorOf(() => decide(open, { decidedAt, decisions }, '2026-12-01')).details);
    expect(details([{ ...none, partySanction: 'warning' }])).toEqual(['decisions']);
    expect(details([none, { ...none, treatment: 'x' }])).toEqual(['decisions[0]', 'decisions[1].treatment']);
    expect(
      details([
        { ...none, partySanction: 'probation' },
        { ...none, partySanction: 'warning', probationYears: 1 },
      ]),
    ).toEqual(['decisions[0].probationYears', 'decisions[1].probationYears']);
    expect(
      details(
        [
          { ...none, partySanction: 'warning' },
          { ...none, partySanction: 'warning' },
        ],
        '2025-02-01',
      ),
    ).toEqual(['decidedAt']);
  });
});

describe('the monthly table', () => {
  test('reproduces the fixture month exactly', () => {
    const fixture = JSON.parse(readFileSync(join(fixtures, 'month-2025-03.cases.json'), 'utf8')) as {
      organizationName: string;
      month: string;
      cases: (CountedCase & { decidedAt?: string })[];
    };
    const decided = fixture.cases.filter((c) => c.decidedAt) as CountedCase[];
    const report = monthlyReport(decided, fixture.month, fixture.organizationName);
    expect(renderMonthlyReport(report)).toBe(readFileSync(join(fixtures, 'month-2025-03.expected.md'), 'utf8'));
    expect(report.rows.find((r) => r.key === 'total')).toMatchObject({
      month: { problems: 5, people: 8, sanctioned: 5 },
      yearToDate: { problems: 8, people: 12, sanctioned: 7 },
    });
  });
});

describe('notices', () => {
  const draft = { id: 'n1', status: 'draft', createdBy: 'inspector-1' } as Notice;

  test('draft → reviewed by another → published', () => {
    expect(domainErrorOf(() => noticeStep(draft, 'review', 'inspector-1', 'now', '')).code).toBe('NOTICE_SELF_REVIEW');
    expect(noticeStep(draft, 'review', 'inspector-2', 'now', '好').to).toBe('reviewed');
    const publishDraft = domainErrorOf(() => noticeStep(draft, 'publish', 'inspector-2', 'now', ''));
    expect([publishDraft.code, publishDraft.details.needs]).toEqual(['NOTICE_WORKFLOW_STEP', 'reviewed']);
    expect(noticeStep({ ...draft, status: 'reviewed' }, 'publish', 'inspector-1', 'now', '').to).toBe('published');
    expect(domainErrorOf(() => noticeStep({ ...draft, status: 'published' }, 'refresh', 'inspector-1', 'now', '')).code).toBe(
      'NOTICE_WORKFLOW_STEP',
    );
  });

  test('a typical-cases notice reads as such notices do', () => {
    expect([chineseNumber(3), chineseNumber(10), chineseNumber(12), chineseNumber(20), chineseNumber(35)]).toEqual([
      '三',
      '十',
      '十二',
      '二十',
      '三十五',
    ]);
    expect(dateInWords('2025-03-08')).toBe('2025年3月8日');
    const title = typicalCasesTitle('中共江川省纪委', 1);
    const decided: DisciplineCase = {
      id: 'c1',
      number: 'n',
      organizationId: 'o',
      orgPath: '/1/',
      category: 'giftsAndMoney',
      summary: '违规收受礼品礼金',
      foundAt: '2025-01-08',
      decidedAt: '2025-03-03',
      status: 'decided',
      persons: [
        {
          name: '王某某',
          memberId: '',
          post: '县交通运输局原局长',
          level: 'countyDivision',
          decision: { partySanction: 'expulsion', governmentSanction: 'discharge' },
          influence: [],
        },
        {
          name: '赵某',
          memberId: '',
          post: '办公室主任',
          level: 'townshipAndBelow',
          decision: { governmentSanction: 'governmentWarning' },
          influence: [],
        },
      ],
      createdBy: 'i',
      createdAt: '',
      revision: 2,
    };
    expect(typicalCasesText(title, [{ case: decided, organizationName: '江川省清河县' }])).toBe(
      '# 中共江川省纪委关于一起违反中央八项规定精神典型问题的通报\n\n1. 江川省清河县县交通运输局原局长王某某、办公室主任赵某违规收受礼品礼金问题。2025年3月3日，王某某受到开除党籍、开除公职处分；赵某受到政务警告处分。\n',
    );
  });
});
