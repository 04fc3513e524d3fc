/**
 * Plans the policy half of the corpus: who issues what, when, under which
 * title, and which later documents revise, amend or repeal earlier ones.
 * Bodies are written afterwards (policy-bodies.ts), once every document has
 * its number, so that bodies can cite one another.
 */
import { FIRST_DAY, LAST_DAY, clampDay, dayOf, dateOf, yearOf } from './calendar';
import { AGENCIES, CITIES, PROVINCE, docNumberCode, scopeWord, type Agency } from './geography';
import { chineseNumeral } from './numerals';
import { VIOLATION_CATEGORY_WEIGHTS, campaignForYear, fiveYearPlan, type ViolationCategory } from './phrases';
import { randomCountyPlace } from './places';
import type { SeededRandom } from './random';
import { TOPIC_BANKS, type Subject } from './topic-banks';
import { RULE_DOC_TYPES, TOPICS, type EffectiveStatus, type PolicyDocType, type Topic } from './types';

export type PolicyForm =
  | { kind: 'directive' }
  | { kind: 'forward'; innerTitle: string; innerDocType: PolicyDocType }
  | { kind: 'rule' }
  | { kind: 'revision'; previous: PolicyDraft }
  | { kind: 'amendment'; target: PolicyDraft }
  | { kind: 'repealList'; targets: PolicyDraft[] }
  | { kind: 'commendation'; award: string }
  | { kind: 'violations'; categories: ViolationCategory[]; periodPhrase: string }
  | { kind: 'inspection'; variant: 'review' | 'praise' | 'rectification'; award: string }
  | { kind: 'speech'; meeting: string }
  | { kind: 'report'; reportYear: number; reportSubject: string }
  | { kind: 'reply'; place: string; item: string }
  | { kind: 'letter'; variant: 'consult' | 'nominate' | 'collect'; detail: string };

export interface Supersession {
  by: PolicyDraft;
  how: 'revised' | 'amended' | 'repealed';
}

export interface PolicyDraft {
  /** Creation order; breaks ties between documents issued on the same day. */
  order: number;
  agency: Agency;
  docType: PolicyDocType;
  primaryTopic: Topic;
  topics: Topic[];
  subject: Subject;
  verb: string;
  title: string;
  day: number;
  status: EffectiveStatus;
  form: PolicyForm;
  /** Filled in by assignDocNumbers. */
  docNumber: string;
  supersededBy: Supersession | null;
}

/** Rules that only a legislature would pass as a 条例. */
const STATUTE_RULES = new Set([
  '基层社会治理促进',
  '村务监督',
  '基层矛盾纠纷多元化解',
  '城乡社区网格化服务管理',
  '乡村振兴促进',
  '扶持村级集体经济发展',
  '红色资源保护利用',
  '基层理论宣讲',
]);

const PLAN_TYPES: readonly PolicyDocType[] = ['规划', '纲要'];

/** Only documents issued up to this day are old enough to be swept up by a clean-up decision. */
const REPEAL_CUTOFF_DAY = dayOf(2020, 12, 31);

const AWARDS = [
  '先进基层党组织、优秀共产党员和优秀党务工作者',
  '“五星级”党支部',
  '模范机关建设先进单位',
  '优秀村党组织书记',
  '党建引领基层治理示范社区',
  '抓党建促乡村振兴先进村',
  '“四强”党支部',
  '优秀基层理论宣讲员',
  '廉洁文化建设示范点',
  '党员教育工作先进集体',
] as const;

/** Pilot schemes a city or county may ask a superior to approve (批复). */
const REPLY_ITEMS: Partial<Record<Topic, readonly string[]>> = {
  基层治理: ['开展党建引领基层治理试点', '开展城市基层党建示范创建', '开展网格化服务管理改革试点', '设立社区治理创新实验区'],
  乡村振兴: ['创建抓党建促乡村振兴示范县', '开展村级集体经济发展试点', '建设乡村振兴示范片区', '开展强村公司改革试点'],
  宣传思想: ['设立新时代文明实践中心', '建设红色教育基地', '开展县级融媒体中心改革试点'],
  组织建设: ['调整基层党组织设置', '开展党支部标准化建设示范创建', '设立非公有制经济组织综合党委'],
  干部教育培训: ['设立干部教育现场教学基地'],
  党的建设: ['开展党建引领高质量发展试点'],
  作风建设: ['开展基层减负监测点建设'],
};

const CAMPAIGN_ACTIONS = [
  '开展专题调研',
  '深入开展检视整改',
  '扎实开展“我为群众办实事”实践活动',
  '召开专题组织生活会',
  '加强督促指导',
  '加强宣传引导',
];

export function titlePrefix(agency: Agency): string {
  switch (agency.level) {
    case 'national':
      return '';
    case 'provincial':
      return agency.role === 'organsWork' ? '省直机关' : PROVINCE.name;
    case 'city':
      return agency.region;
    case 'county': {
      const city = CITIES.find((c) => agency.region.startsWith(c.name));
      return city ? agency.region.slice(city.name.length) : agency.region;
    }
  }
}

/** Joins prefix and rule noun without doubling 机关 (省直机关 + 机关党建 → 省直机关党建). */
function prefixed(agency: Agency, noun: string): string {
  const prefix = titlePrefix(agency);
  return prefix.endsWith('机关') && noun.startsWith('机关') ? prefix.slice(0, -2) + noun : prefix + noun;
}

function ruleFits(subject: Subject, docType: PolicyDocType, agency: Agency): boolean {
  if (!subject.rule) return false;
  const isStatute = STATUTE_RULES.has(subject.rule);
  if (docType === '条例' || agency.role === 'congress') return isStatute;
  if (docType === '准则') return /廉洁|行为|从业/.test(subject.rule);
  return true;
}

function campaignSubject(year: number): Subject {
  const noun = campaignForYear(year);
  // Avoid 深入开展深入贯彻… when the campaign name itself starts with 深入.
  return { noun, verbs: noun.startsWith('深入') ? ['扎实开展', '高质量开展'] : ['扎实开展', '深入开展', '高质量开展'] };
}

/** Repairs joins such as 换届选举工作 + 工作方案. */
function tidyTitle(title: string): string {
  return title.replace(/工作工作/g, '工作');
}

/** Subjects that read naturally as a multi-year action programme. */
function suitsActionProgramme(noun: string): boolean {
  return /建设|振兴|治理|整治|提升|发展|覆盖/.test(noun);
}

function subjectsFor(topic: Topic, docType: PolicyDocType, agency: Agency, year: number): Subject[] {
  if (topic === '主题教育') {
    return RULE_DOC_TYPES.includes(docType) || PLAN_TYPES.includes(docType) ? [] : [campaignSubject(year)];
  }
  const subjects = TOPIC_BANKS[topic].subjects.filter((s) => (s.since ?? 0) <= year);
  if (RULE_DOC_TYPES.includes(docType)) return subjects.filter((s) => ruleFits(s, docType, agency));
  if (PLAN_TYPES.includes(docType)) return subjects.filter((s) => s.plan !== undefined);
  return [...subjects];
}

function pickTopics(rng: SeededRandom, primary: Topic): Topic[] {
  const topics = new Set<Topic>([primary]);
  for (const related of rng.sample(TOPIC_BANKS[primary].related, rng.int(0, 2))) topics.add(related);
  if (rng.chance(0.1)) topics.add(rng.pick(TOPICS));
  return [...topics].slice(0, 4);
}

function dayInWindow(rng: SeededRandom, year: number, from: [number, number], to: [number, number]): number {
  return clampDay(rng.int(dayOf(year, from[0], from[1]), dayOf(year, to[0], to[1])));
}

interface TitleChoice {
  title: string;
  form: PolicyForm;
  day: number;
}

type TitleBuilder = (rng: SeededRandom, ctx: TitleContext) => TitleChoice | null;

interface TitleContext {
  agency: Agency;
  docType: PolicyDocType;
  topic: Topic;
  subject: Subject;
  verb: string;
  day: number;
}

const buildNotice: TitleBuilder = (rng, ctx) => {
  const { subject, verb, day, agency, topic } = ctx;
  const year = yearOf(day);
  const action = `${verb}${subject.noun}`;
  if (topic === '主题教育') {
    const pattern = rng.int(0, 2);
    const title =
      pattern === 0
        ? `关于${action}的通知`
        : pattern === 1
          ? `关于做好${subject.noun}总结工作的通知`
          : `关于在${subject.noun}中${rng.pick(CAMPAIGN_ACTIONS)}的通知`;
    return { title, form: { kind: 'directive' }, day };
  }
  const roll = rng.next();
  if (roll < 0.28) {
    // 关于印发《…》的通知: the notice carries a plan or a rule as its attachment.
    const innerDocType = rng.weighted<PolicyDocType>([
      ['方案', 3],
      ['办法', subject.rule ? 2 : 0],
      ['规定', subject.rule ? 1 : 0],
    ]);
    const inner =
      innerDocType === '方案'
        ? rng.pick([
            `${prefixed(agency, subject.noun)}实施方案`,
            `${year}年${scopeWord(agency.level)}${subject.noun}工作要点`,
            `${prefixed(agency, subject.noun)}${suitsActionProgramme(subject.noun) ? `三年行动计划（${year}—${year + 2}年）` : '实施方案'}`,
          ])
        : `${prefixed(agency, subject.rule ?? subject.noun)}${innerDocType === '办法' ? rng.pick(['办法', '实施办法', '管理办法']) : '规定'}${rng.chance(0.3) ? '（试行）' : ''}`;
    return { title: `关于印发《${inner}》的通知`, form: { kind: 'forward', innerTitle: inner, innerDocType }, day };
  }
  if (roll < 0.45) {
    const noun = subject.noun.endsWith('工作') ? subject.noun : `${subject.noun}有关工作`;
    return { title: `关于做好${year}年度${noun}的通知`, form: { kind: 'directive' }, day };
  }
  if (roll < 0.58 && !verb.startsWith('进一步') && verb.length <= 2) {
    return { title: `关于进一步${action}的通知`, form: { kind: 'directive' }, day };
  }
  return { title: `关于${action}的通知`, form: { kind: 'directive' }, day };
};

const buildOpinion: TitleBuilder = (rng, ctx) => {
  const { subject, verb, day, agency, topic } = ctx;
  if (topic === '主题教育') {
    const title = rng.chance(0.5) ? `关于巩固拓展${subject.noun}成果的意见` : `关于推动${subject.noun}成果转化运用的实施意见`;
    return { title, form: { kind: 'directive' }, day };
  }
  const action = `${verb}${subject.noun}`;
  const suffix = rng.weighted<string>([
    ['意见', 5],
    ['实施意见', agency.level === 'national' ? 0 : 3],
    ['若干意见', 1],
    ['指导意见', agency.level === 'county' ? 0 : 1],
  ]);
  return { title: `关于${action}的${suffix}`, form: { kind: 'directive' }, day };
};

const buildProgramme: TitleBuilder = (rng, ctx) => {
  const { subject, verb, day, agency, topic } = ctx;
  const year = yearOf(day);
  if (topic === '主题教育') {
    return { title: `关于在${scopeWord(agency.level)}党员中${verb}${subject.noun}的实施方案`, form: { kind: 'directive' }, day };
  }
  const patterns = [
    `${prefixed(agency, subject.noun)}实施方案`,
    `${prefixed(agency, subject.noun)}工作方案`,
    `关于${verb}${subject.noun}的实施方案`,
  ];
  if (suitsActionProgramme(subject.noun)) patterns.push(`${prefixed(agency, subject.noun)}三年行动方案（${year}—${year + 2}年）`);
  const title = rng.pick(patterns);
  return { title, form: { kind: 'directive' }, day };
};

const buildDecision: TitleBuilder = (rng, ctx) => {
  const { subject, verb, day, agency } = ctx;
  const commends = agency.role !== 'partyCentre' && rng.chance(0.6);
  if (!commends) return { title: `关于${verb}${subject.noun}的决定`, form: { kind: 'directive' }, day };
  const award = rng.pick(AWARDS);
  const year = yearOf(day);
  if (rng.chance(0.5)) {
    // Commendations timed for the Party's anniversary on 1 July.
    const julyFirstDay = dayInWindow(rng, year, [6, 18], [6, 30]);
    return { title: `关于表彰${year}年${scopeWord(agency.level)}${award}的决定`, form: { kind: 'commendation', award }, day: julyFirstDay };
  }
  const earlyDay = dayInWindow(rng, year, [1, 10], [4, 30]);
  return { title: `关于表彰${year - 1}年度${scopeWord(agency.level)}${award}的决定`, form: { kind: 'commendation', award }, day: earlyDay };
};

const buildPlan: TitleBuilder = (rng, ctx) => {
  const { subject, day, agency, docType } = ctx;
  const plan = subject.plan ?? subject.noun;
  const year = yearOf(day);
  if (docType === '纲要') {
    const title = rng.chance(0.5) ? `${prefixed(agency, plan)}实施纲要` : `${prefixed(agency, plan)}纲要（${year}—${year + 4}年）`;
    return { title, form: { kind: 'directive' }, day };
  }
  const period = fiveYearPlan(year);
  const title = rng.chance(0.5) ? `${prefixed(agency, plan)}${period.label}规划` : `${prefixed(agency, plan)}规划（${year}—${year + 4}年）`;
  return { title, form: { kind: 'directive' }, day };
};

const buildRule: TitleBuilder = (rng, ctx) => {
  const { subject, day, agency, docType, verb } = ctx;
  const rule = subject.rule ?? subject.noun;
  const base = prefixed(agency, rule);
  const trial = rng.chance(0.25) ? '（试行）' : '';
  let title: string;
  switch (docType) {
    case '办法':
      title = `${base}${rng.pick(rule.includes('管理') ? ['办法', '实施办法'] : ['办法', '实施办法', '管理办法'])}${trial}`;
      break;
    case '规定':
      title = rng.chance(0.35) ? `关于${verb}${subject.noun}的若干规定` : `${base}${rule.endsWith('工作') ? '' : '工作'}规定${trial}`;
      break;
    case '细则':
      title = `${base}${rng.pick(['实施细则', '工作细则'])}${trial}`;
      break;
    case '条例':
      title = `${base}条例`;
      break;
    case '准则':
      title = `${base}准则${trial || '（试行）'}`;
      break;
    default:
      return null;
  }
  return { title, form: { kind: 'rule' }, day };
};

const buildSpeech: TitleBuilder = (rng, ctx) => {
  const { subject, day, agency, topic } = ctx;
  const scope = scopeWord(agency.level);
  const { year, month, day: dayOfMonth } = dateOf(day);
  const meeting =
    topic === '主题教育'
      ? `${scope}${subject.noun}${rng.pick(['动员部署会议', '推进会', '总结会议'])}`
      : `${scope}${TOPIC_BANKS[topic].meeting}`;
  const title = rng.chance(0.5) ? `在${year}年${meeting}上的讲话` : `在${meeting}上的讲话（${year}年${month}月${dayOfMonth}日）`;
  return { title, form: { kind: 'speech', meeting }, day };
};

function reportSubjectFor(topic: Topic, subject: Subject): string {
  switch (topic) {
    case '党的建设':
      return '落实全面从严治党主体责任';
    case '党风廉政建设':
      return '落实党风廉政建设责任制';
    case '组织建设':
      return '抓基层党建工作';
    case '意识形态':
      return '落实意识形态工作责任制';
    case '作风建设':
      return '贯彻落实中央八项规定精神';
    default:
      return subject.noun.endsWith('工作') ? subject.noun : `${subject.noun}工作`;
  }
}

const buildReport: TitleBuilder = (rng, ctx) => {
  const { subject, topic } = ctx;
  const year = yearOf(ctx.day);
  const day = dayInWindow(rng, year, [1, 8], [3, 31]);
  if (topic === '主题教育') {
    const campaign = campaignForYear(year - 1);
    return {
      title: `关于${campaign}开展情况的报告（${year - 1}年）`,
      form: { kind: 'report', reportYear: year - 1, reportSubject: `${campaign}开展` },
      day,
    };
  }
  const reportSubject = reportSubjectFor(topic, subject);
  return { title: `关于${year - 1}年度${reportSubject}情况的报告`, form: { kind: 'report', reportYear: year - 1, reportSubject }, day };
};

const QUARTERS = ['一', '二', '三', '四'];

const buildViolationBulletin: TitleBuilder = (rng, ctx) => {
  const { day } = ctx;
  const { year, month } = dateOf(day);
  const categories = Array.from({ length: rng.int(3, 6) }, () => rng.weighted(VIOLATION_CATEGORY_WEIGHTS));
  const roll = rng.next();
  if (roll < 0.35) {
    // Quarterly bulletins report on the quarter that just ended.
    const quarterIndex = Math.floor((month - 1) / 3);
    const reportedYear = quarterIndex === 0 ? year - 1 : year;
    const quarter = QUARTERS[(quarterIndex + 3) % 4] as string;
    const periodPhrase = `${reportedYear}年第${quarter}季度`;
    return { title: `关于${periodPhrase}违反中央八项规定精神问题的通报`, form: { kind: 'violations', categories, periodPhrase }, day };
  }
  const holiday = month <= 3 ? '元旦春节' : month <= 6 ? '五一端午' : month >= 10 ? '中秋国庆' : null;
  if (roll < 0.6 && holiday) {
    const periodPhrase = `${year}年${holiday}期间`;
    return { title: `关于${periodPhrase}违反中央八项规定精神问题的通报`, form: { kind: 'violations', categories, periodPhrase }, day };
  }
  const theme = rng.pick(['违反中央八项规定精神', '形式主义官僚主义', '群众身边不正之风和腐败', '违规收送礼品礼金', '违规吃喝']);
  const themed =
    theme === '形式主义官僚主义'
      ? categories.map((category, index) => (index % 2 === 0 ? '形式主义官僚主义' : category))
      : theme === '违规收送礼品礼金' || theme === '违规吃喝'
        ? categories.map((category, index) => (index < 2 ? theme : category))
        : categories;
  return {
    title: `关于${chineseNumeral(themed.length)}起${theme}典型问题的通报`,
    form: { kind: 'violations', categories: themed as ViolationCategory[], periodPhrase: '近期' },
    day,
  };
};

const buildInspectionBulletin: TitleBuilder = (rng, ctx) => {
  const { subject, day, agency } = ctx;
  const year = yearOf(day);
  if (agency.role === 'inspection') {
    const round = chineseNumeral(rng.int(1, 4));
    return {
      title: `关于${year}年省委第${round}轮巡视反馈问题整改情况的通报`,
      form: { kind: 'inspection', variant: 'rectification', award: '' },
      day,
    };
  }
  if (rng.chance(0.35)) {
    const award = rng.pick(AWARDS);
    return {
      title: `关于表扬${year}年度${scopeWord(agency.level)}${award}的通报`,
      form: { kind: 'inspection', variant: 'praise', award },
      day,
    };
  }
  const title = rng.chance(0.5) ? `关于${year}年度${subject.noun}落实情况的通报` : `关于${year}年${subject.noun}专项检查情况的通报`;
  return { title, form: { kind: 'inspection', variant: 'review', award: '' }, day };
};

const buildReply: TitleBuilder = (rng, ctx) => {
  const { topic, day } = ctx;
  const items = REPLY_ITEMS[topic] ?? REPLY_ITEMS.基层治理 ?? [];
  const item = rng.pick(items);
  const county = randomCountyPlace(rng);
  const place = rng.chance(0.5) ? county.city.name : county.label;
  return { title: `关于同意${place}${item}的批复`, form: { kind: 'reply', place, item }, day };
};

const buildLetter: TitleBuilder = (rng, ctx) => {
  const { subject, day, agency } = ctx;
  const year = yearOf(day);
  const roll = rng.next();
  if (roll < 0.4 && subject.rule) {
    const draftTitle = `${prefixed(agency, subject.rule)}${rng.pick(['办法', '实施细则', '规定'])}（征求意见稿）`;
    return { title: `关于征求《${draftTitle}》意见的函`, form: { kind: 'letter', variant: 'consult', detail: draftTitle }, day };
  }
  if (roll < 0.7) {
    const award = rng.pick(AWARDS);
    return {
      title: `关于推荐${year}年度${scopeWord(agency.level)}${award}人选的函`,
      form: { kind: 'letter', variant: 'nominate', detail: award },
      day,
    };
  }
  return { title: `关于报送${year}年${subject.noun}工作情况的函`, form: { kind: 'letter', variant: 'collect', detail: subject.noun }, day };
};

/** The corpus writes these document types; the domain knows a few more (决议, 公告). */
const TITLE_BUILDERS: Partial<Record<PolicyDocType, TitleBuilder>> = {
  通知: buildNotice,
  意见: buildOpinion,
  方案: buildProgramme,
  决定: buildDecision,
  规划: buildPlan,
  纲要: buildPlan,
  办法: buildRule,
  规定: buildRule,
  细则: buildRule,
  条例: buildRule,
  准则: buildRule,
  讲话: buildSpeech,
  报告: buildReport,
  通报: (rng, ctx) => (ctx.agency.role === 'discipline' ? buildViolationBulletin(rng, ctx) : buildInspectionBulletin(rng, ctx)),
  批复: buildReply,
  函: buildLetter,
};

const VIOLATION_TOPICS: readonly Topic[] = ['作风建设', '纪律监督', '党风廉政建设'];

export class PolicyPlanner {
  readonly drafts: PolicyDraft[] = [];
  private nextOrder = 0;

  constructor(
    private readonly rng: SeededRandom,
    private readonly usedTitles: Set<string>,
  ) {}

  /** Tries to plan one document for the agency; null when no unique title was found. */
  planOne(agency: Agency, docType: PolicyDocType): PolicyDraft | null {
    const { rng } = this;
    for (let attempt = 0; attempt < 12; attempt++) {
      const day = rng.int(FIRST_DAY, LAST_DAY);
      const year = yearOf(day);
      const candidates = agency.topics.filter(([topic]) => subjectsFor(topic, docType, agency, year).length > 0);
      if (candidates.length === 0) return null;
      const topic = rng.weighted(candidates);
      const subject = rng.pick(subjectsFor(topic, docType, agency, year));
      const verb = rng.pick(subject.verbs);
      const buildTitle = TITLE_BUILDERS[docType];
      if (!buildTitle) return null;
      const choice = buildTitle(rng, { agency, docType, topic, subject, verb, day });
      if (!choice) continue;
      choice.title = tidyTitle(choice.title);
      if (choice.form.kind === 'forward') choice.form.innerTitle = tidyTitle(choice.form.innerTitle);
      if (this.usedTitles.has(choice.title)) continue;
      const topics =
        choice.form.kind === 'violations'
          ? [...new Set<Topic>(['作风建设', ...rng.sample(VIOLATION_TOPICS, rng.int(1, 2))])]
          : pickTopics(rng, topic);
      return this.add({
        agency,
        docType,
        primaryTopic: topic,
        topics,
        subject,
        verb,
        title: choice.title,
        day: choice.day,
        form: choice.form,
      });
    }
    return null;
  }

  /**
   * Gives an older rule a later successor: either a revised edition that
   * repeals it, or a 决定 that amends it. Returns the successor, if any.
   */
  planSuccessor(previous: PolicyDraft): PolicyDraft | null {
    const { rng } = this;
    const day = Math.min(LAST_DAY, previous.day + rng.int(540, 2200));
    const year = yearOf(day);
    if (rng.chance(0.5)) {
      const withoutTrial = previous.title.replace('（试行）', '');
      const title =
        withoutTrial !== previous.title && !this.usedTitles.has(withoutTrial) ? withoutTrial : `${withoutTrial}（${year}年修订）`;
      if (this.usedTitles.has(title)) return null;
      const successor = this.add({ ...this.copyBasics(previous), title, day, form: { kind: 'revision', previous } });
      previous.status = 'repealed';
      previous.supersededBy = { by: successor, how: 'revised' };
      return successor;
    }
    const title = `关于修改《${previous.title}》的决定`;
    if (this.usedTitles.has(title)) return null;
    const successor = this.add({
      ...this.copyBasics(previous),
      docType: '决定',
      title,
      day,
      form: { kind: 'amendment', target: previous },
    });
    previous.status = 'amended';
    previous.supersededBy = { by: successor, how: 'amended' };
    return successor;
  }

  /**
   * A clean-up decision that repeals a batch of older provincial documents.
   * `government` selects the provincial government's own documents.
   */
  planRepealList(government: boolean): PolicyDraft | null {
    const { rng } = this;
    const agencyName = government ? '江川省人民政府' : '中共江川省委';
    const agency = AGENCIES.find((a) => a.name === agencyName);
    if (!agency) return null;
    const title = government ? '关于废止部分省政府规范性文件的决定' : '关于废止部分党内规范性文件的决定';
    if (this.usedTitles.has(title)) return null;
    const governmentRoles = ['government', 'governmentOffice'];
    const eligibleKinds = ['directive', 'forward', 'rule'];
    for (let attempt = 0; attempt < 6; attempt++) {
      const day = rng.int(dayOf(2021, 1, 1), dayOf(2025, 12, 31));
      const targets = this.drafts.filter(
        (d) =>
          d.agency.level === 'provincial' &&
          governmentRoles.includes(d.agency.role) === government &&
          d.agency.role !== 'congress' &&
          eligibleKinds.includes(d.form.kind) &&
          d.status === 'inForce' &&
          d.day <= REPEAL_CUTOFF_DAY,
      );
      if (targets.length < 2) continue;
      const chosen = rng.sample(targets, rng.int(4, 8)).sort((a, b) => a.day - b.day);
      const draft = this.add({
        agency,
        docType: '决定',
        primaryTopic: '党的建设',
        topics: ['党的建设'],
        subject: { noun: '规范性文件清理', verbs: ['做好'] },
        verb: '做好',
        title,
        day,
        form: { kind: 'repealList', targets: chosen },
      });
      for (const target of chosen) {
        target.status = 'repealed';
        target.supersededBy = { by: draft, how: 'repealed' };
      }
      return draft;
    }
    return null;
  }

  private copyBasics(
    previous: PolicyDraft,
  ): Omit<PolicyDraft, 'order' | 'title' | 'day' | 'form' | 'status' | 'docNumber' | 'supersededBy'> {
    const { agency, docType, primaryTopic, topics, subject, verb } = previous;
    return { agency, docType, primaryTopic, topics: [...topics], subject, verb };
  }

  private add(fields: Omit<PolicyDraft, 'order' | 'status' | 'docNumber' | 'supersededBy'>): PolicyDraft {
    const draft: PolicyDraft = { ...fields, order: this.nextOrder++, status: 'inForce', docNumber: '', supersededBy: null };
    this.usedTitles.add(draft.title);
    this.drafts.push(draft);
    return draft;
  }
}

export function isRuleType(docType: PolicyDocType): boolean {
  return RULE_DOC_TYPES.includes(docType);
}

/**
 * 文号: <code>〔<year>〕<serial>号. Serials are unique per code and year and
 * grow with the issue date; gaps mimic the documents not in the corpus.
 */
export function assignDocNumbers(drafts: readonly PolicyDraft[], rng: SeededRandom): void {
  const groups = new Map<string, PolicyDraft[]>();
  for (const draft of drafts) {
    const key = `${docNumberCode(draft.agency, draft.docType)}|${yearOf(draft.day)}`;
    const group = groups.get(key) ?? [];
    group.push(draft);
    groups.set(key, group);
  }
  for (const key of [...groups.keys()].sort()) {
    const group = (groups.get(key) ?? []).sort((a, b) => a.day - b.day || a.order - b.order);
    const [code, year] = key.split('|');
    let serial = rng.int(1, 8);
    for (const draft of group) {
      draft.docNumber = `${code}〔${year}〕${serial}号`;
      serial += rng.int(1, 9);
    }
  }
}
