/**
 * What the CCDI counts each month, and what a decision does to a person afterwards.
 *
 * Violations of the eight-point rules (中央八项规定精神) in the categories of the CCDI's monthly
 * table (全国查处违反中央八项规定精神问题月报): formalism and bureaucratism in four aspects, and
 * hedonism and extravagance in eight kinds. Officials' levels as the table counts them. Decisions:
 * handling that is no sanction (批评教育, 诫勉, 组织处理), the five party sanctions of the
 * 中国共产党纪律处分条例 (第八条), and the government sanctions of the 公职人员政务处分法 (第七条).
 *
 * A sanction's influence period (影响期): 纪律处分条例 第十条至第十三条 — 警告 no promotion for one
 * year, 严重警告 one and a half, 撤销党内职务 no equal or higher post for two years, 留党察看 one or
 * two years of probation and then two years as 撤销, 开除党籍 no re-joining for five years;
 * 政务处分法 第八条 — 警告 6 months, 记过 12, 记大过 18, 降级 and 撤职 24; 开除 has no end.
 */
import { addDays, addMonths } from '@repo/calendar';

export const violationGroups = [
  { id: 'formalismBureaucratism', name: '形式主义、官僚主义' },
  { id: 'hedonismExtravagance', name: '享乐主义、奢靡之风' },
] as const;
export type ViolationGroup = (typeof violationGroups)[number]['id'];

export const violationCategories = [
  { id: 'decisionImplementation', group: 'formalismBureaucratism', name: '贯彻落实党中央决策部署' },
  { id: 'servingThePeople', group: 'formalismBureaucratism', name: '联系服务群众' },
  { id: 'dutyPerformance', group: 'formalismBureaucratism', name: '履职尽责、服务经济社会发展' },
  { id: 'studyWritingMeetingsInspections', group: 'formalismBureaucratism', name: '学风文风会风和检查考核' },
  { id: 'giftsAndMoney', group: 'hedonismExtravagance', name: '违规收送名贵特产和礼品礼金' },
  { id: 'banqueting', group: 'hedonismExtravagance', name: '违规吃喝' },
  { id: 'allowancesAndBenefits', group: 'hedonismExtravagance', name: '违规发放津补贴或福利' },
  { id: 'weddingsAndFunerals', group: 'hedonismExtravagance', name: '违规操办婚丧喜庆' },
  { id: 'publicFundedTravel', group: 'hedonismExtravagance', name: '公款旅游' },
  { id: 'officialCars', group: 'hedonismExtravagance', name: '违规配备使用公务用车' },
  { id: 'officeBuildings', group: 'hedonismExtravagance', name: '楼堂馆所违规问题' },
  { id: 'otherHedonism', group: 'hedonismExtravagance', name: '其他（超标准接待、高消费娱乐、私人会所、住房等）' },
] as const;
export type ViolationCategory = (typeof violationCategories)[number]['id'];

export const officialLevels = [
  { id: 'provincialMinisterial', name: '省部级' },
  { id: 'prefectureBureau', name: '地厅级' },
  { id: 'countyDivision', name: '县处级' },
  { id: 'townshipAndBelow', name: '乡科级及以下' },
] as const;
export type OfficialLevel = (typeof officialLevels)[number]['id'];

/** Handling that is not a sanction: counted among the people dealt with, not among the sanctioned. */
export const treatments = [
  { id: 'criticismEducation', name: '批评教育' },
  { id: 'admonishment', name: '诫勉' },
  { id: 'organizationalHandling', name: '组织处理' },
] as const;
export type Treatment = (typeof treatments)[number]['id'];

export const partySanctions = [
  { id: 'warning', name: '警告', months: 12, effect: '一年内不得在党内提升职务和向党外组织推荐担任高于其原任职务的职务' },
  { id: 'seriousWarning', name: '严重警告', months: 18, effect: '一年半内不得在党内提升职务和向党外组织推荐担任高于其原任职务的职务' },
  {
    id: 'removalFromPartyPost',
    name: '撤销党内职务',
    months: 24,
    effect: '二年内不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务',
  },
  // The months of probation are added: 留党察看 is one or two years, then two years as above.
  {
    id: 'probation',
    name: '留党察看',
    months: 24,
    effect: '察看期间没有表决权、选举权和被选举权；恢复党员权利后二年内不得担任与其原任职务相当或者高于其原任职务的职务',
  },
  { id: 'expulsion', name: '开除党籍', months: 60, effect: '五年内不得重新入党' },
] as const;
export type PartySanction = (typeof partySanctions)[number]['id'];

export const governmentSanctions = [
  { id: 'governmentWarning', name: '警告', months: 6 },
  { id: 'demerit', name: '记过', months: 12 },
  { id: 'majorDemerit', name: '记大过', months: 18 },
  { id: 'demotion', name: '降级', months: 24 },
  { id: 'dismissal', name: '撤职', months: 24 },
  // No influence period ends: a discharged official is no longer one.
  { id: 'discharge', name: '开除', months: undefined },
] as const;
export type GovernmentSanction = (typeof governmentSanctions)[number]['id'];

export const idsOf = <T extends { id: string }>(list: readonly T[]) => list.map((item) => item.id) as T['id'][];
export const nameOf = <T extends { id: string; name: string }>(list: readonly T[], id: string) =>
  list.find((item) => item.id === id)?.name ?? id;

/** What was decided about one person. */
export interface PersonDecision {
  treatment?: Treatment;
  partySanction?: PartySanction;
  /** 留党察看: one or two years. */
  probationYears?: 1 | 2;
  governmentSanction?: GovernmentSanction;
}

export interface InfluencePeriod {
  sanction: PartySanction | GovernmentSanction;
  kind: 'party' | 'government';
  name: string;
  /** The decision date: the period starts on it. */
  from: string;
  /** The first day after it, or '' when it does not end. */
  until: string;
  effect: string;
}

/** Whether the decision counts among the 党纪政务处分 (party or government sanction). */
export function isSanctioned(decision: PersonDecision): boolean {
  return decision.partySanction !== undefined || decision.governmentSanction !== undefined;
}

/** The influence periods a decision carries from its date. */
export function influencePeriods(decision: PersonDecision, decidedAt: string): InfluencePeriod[] {
  const periods: InfluencePeriod[] = [];
  if (decision.partySanction) {
    const sanction = partySanctions.find((s) => s.id === decision.partySanction)!;
    const months = sanction.months + (sanction.id === 'probation' ? 12 * (decision.probationYears ?? 1) : 0);
    periods.push({
      sanction: sanction.id,
      kind: 'party',
      name: sanction.id === 'probation' ? `留党察看${decision.probationYears === 2 ? '二' : '一'}年` : sanction.name,
      from: decidedAt,
      until: addMonths(decidedAt, months),
      effect: sanction.effect,
    });
  }
  if (decision.governmentSanction) {
    const sanction = governmentSanctions.find((s) => s.id === decision.governmentSanction)!;
    periods.push({
      sanction: sanction.id,
      kind: 'government',
      name: `政务${sanction.name}`,
      from: decidedAt,
      until: sanction.months === undefined ? '' : addMonths(decidedAt, sanction.months),
      effect: sanction.months === undefined ? '开除公职' : `处分期${sanction.months}个月，期内不得晋升职务、职级、衔级和级别`,
    });
  }
  return periods;
}

/** Whether `date` lies inside the period. */
export function coversDate(period: Pick<InfluencePeriod, 'from' | 'until'>, date: string): boolean {
  return date >= period.from && (period.until === '' || date < period.until);
}

/** The last day inside a period (for people to read), '' when it does not end. */
export function lastDayOf(period: Pick<InfluencePeriod, 'until'>): string {
  return period.until ? addDays(period.until, -1) : '';
}

/** The decision in words, as a notice says it: 受到党内严重警告、政务记过处分. */
export function decisionText(decision: PersonDecision): string {
  const sanctions: string[] = [];
  if (decision.partySanction) {
    sanctions.push(
      decision.partySanction === 'probation'
        ? `留党察看${decision.probationYears === 2 ? '二' : '一'}年`
        : decision.partySanction === 'expulsion'
          ? '开除党籍'
          : `党内${nameOf(partySanctions, decision.partySanction)}`,
    );
  }
  if (decision.governmentSanction)
    sanctions.push(
      decision.governmentSanction === 'discharge' ? '开除公职' : `政务${nameOf(governmentSanctions, decision.governmentSanction)}`,
    );
  const treatment = decision.treatment ? nameOf(treatments, decision.treatment) : '';
  if (sanctions.length === 0) return `受到${treatment}`;
  return `受到${sanctions.join('、')}处分${treatment ? `，并被${treatment}` : ''}`;
}
