/**
 * The monthly table in the shape the CCDI publishes (查处违反中央八项规定精神问题汇总表): problems
 * found (查处问题数, 起), people dealt with (批评教育帮助和处理人数) and of whom sanctioned (党纪政务
 * 处分人数), for the month and the year to date, by officials' level and by category.
 *
 * Counting: a case counts in the month of its decision. A problem counts once in its category; by
 * level, at the level of its highest-ranked person (as 查处涉及地厅级干部问题X起 reads). People are
 * counted each at their own level; the sanctioned are those given a party or government sanction.
 */
import {
  isSanctioned,
  officialLevels,
  violationCategories,
  violationGroups,
  type OfficialLevel,
  type PersonDecision,
  type ViolationCategory,
} from './sanctions';

export interface Counts {
  problems: number;
  people: number;
  sanctioned: number;
}

export interface ReportRow {
  /** total, level:<id>, group:<id>, category:<id> */
  key: string;
  label: string;
  month: Counts;
  yearToDate: Counts;
}

export interface MonthlyReport {
  month: string;
  title: string;
  rows: ReportRow[];
}

/** What the table needs of a decided case. */
export interface CountedCase {
  category: ViolationCategory;
  decidedAt: string;
  persons: { level: OfficialLevel; decision?: PersonDecision }[];
}

const zero = (): Counts => ({ problems: 0, people: 0, sanctioned: 0 });
const levelRank = (level: OfficialLevel) => officialLevels.findIndex((l) => l.id === level);

/** 2025-03 → 2025年3月 */
export function monthInWords(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

export function monthlyReport(cases: readonly CountedCase[], month: string, organizationName: string): MonthlyReport {
  const keys = [
    'total',
    ...officialLevels.map((l) => `level:${l.id}`),
    ...violationGroups.flatMap((g) => [
      `group:${g.id}`,
      ...violationCategories.filter((c) => c.group === g.id).map((c) => `category:${c.id}`),
    ]),
  ];
  const tally = new Map(keys.map((key) => [key, { month: zero(), yearToDate: zero() }]));
  const yearStart = `${month.slice(0, 4)}-01`;
  for (const decided of cases) {
    const decidedMonth = decided.decidedAt.slice(0, 7);
    if (decidedMonth < yearStart || decidedMonth > month) continue;
    const spans: ('month' | 'yearToDate')[] = decidedMonth === month ? ['month', 'yearToDate'] : ['yearToDate'];
    const people = decided.persons.length;
    const sanctioned = decided.persons.filter((p) => p.decision && isSanctioned(p.decision)).length;
    const group = violationCategories.find((c) => c.id === decided.category)!.group;
    const highest = decided.persons.reduce((top, p) => (levelRank(p.level) < levelRank(top) ? p.level : top), decided.persons[0]!.level);
    for (const span of spans) {
      for (const key of ['total', `group:${group}`, `category:${decided.category}`]) {
        const counts = tally.get(key)![span];
        counts.problems += 1;
        counts.people += people;
        counts.sanctioned += sanctioned;
      }
      tally.get(`level:${highest}`)![span].problems += 1;
      for (const person of decided.persons) {
        const counts = tally.get(`level:${person.level}`)![span];
        counts.people += 1;
        if (person.decision && isSanctioned(person.decision)) counts.sanctioned += 1;
      }
    }
  }
  const label = (key: string) => {
    const [kind, id] = key.split(':');
    if (kind === 'total') return '合计';
    if (kind === 'level') return officialLevels.find((l) => l.id === id)!.name;
    if (kind === 'group') return `${violationGroups.find((g) => g.id === id)!.name}问题`;
    return violationCategories.find((c) => c.id === id)!.name;
  };
  return {
    month,
    title: `${organizationName}查处违反中央八项规定精神问题汇总表（${monthInWords(month)}）`,
    rows: keys.map((key) => ({ key, label: label(key), ...tally.get(key)! })),
  };
}

const columns = ['查处问题数（起）', '批评教育帮助和处理人数', '其中党纪政务处分人数'];

/** The table as published: a Markdown table, month and year to date side by side. */
export function renderMonthlyReport(report: MonthlyReport): string {
  const cells = (c: Counts) => [c.problems, c.people, c.sanctioned].map(String);
  const header = `| 项目 | ${columns.map((c) => `本月${c}`).join(' | ')} | ${columns.map((c) => `本年累计${c}`).join(' | ')} |`;
  const rule = `| --- | ${Array(columns.length * 2)
    .fill('---:')
    .join(' | ')} |`;
  const section = (name: string) =>
    `| **${name}** | ${Array(columns.length * 2)
      .fill('')
      .join(' | ')} |`;
  const line = (row: ReportRow) => {
    const indent = row.key.startsWith('category:') ? '\u3000' : '';
    return `| ${indent}${row.label} | ${[...cells(row.month), ...cells(row.yearToDate)].join(' | ')} |`;
  };
  const byKind = (kind: string) =>
    report.rows.filter((r) => r.key.split(':')[0] === kind || (kind === 'group' && r.key.startsWith('category:')));
  return [
    `# ${report.title}`,
    '',
    header,
    rule,
    ...report.rows.filter((r) => r.key === 'total').map(line),
    section('按级别'),
    ...byKind('level').map(line),
    section('按类型'),
    ...byKind('group').map(line),
    '',
  ].join('\n');
}
