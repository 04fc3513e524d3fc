/**
 * Writes the body of each planned policy document in the register of its
 * type: sectioned 意见/通知/方案, article-by-article rules, disciplinary
 * bulletins with invented cases, speeches, reports, replies and letters.
 */
import { LAST_DAY, chineseDate, dateOf, yearOf } from './calendar';
import { PROVINCE, scopeWord, type Agency } from './geography';
import { chineseNumeral } from './numerals';
import {
  BULLETIN_REQUIREMENTS,
  BULLETIN_WARNINGS,
  COUNTY_BUREAUS,
  ELABORATIONS,
  GENERIC_CLAUSES,
  GUARANTEES,
  NEXT_STEPS,
  OPENING_AIMS,
  PENALTIES,
  PROBLEMS,
  PURPOSE_LEADS,
  RULE_PRINCIPLES,
  SPEECH_CLOSINGS,
  SPEECH_OPENINGS,
  STAGES,
  TARGETS,
  VIOLATION_AMOUNTS,
  VIOLATION_CASES,
  addressees,
  congressSpirit,
  guidingThought,
  ownJurisdiction,
  type ViolationCategory,
} from './phrases';
import { cityByName, inventedPerson, placeholderPerson, randomCountyPlace, townName, villageName } from './places';
import { isRuleType, type PolicyDraft } from './policy-plan';
import type { SeededRandom } from './random';
import { asWork, composeWithinLimits, fill, nestedTitle, spread } from './text';
import { TOPIC_BANKS, type Task, type TopicBank } from './topic-banks';
import type { PolicyDocType } from './types';

const FULL_WIDTH_SPACE = '\u3000';

const LEVEL_RANK = { national: 0, provincial: 1, city: 2, county: 3 } as const;

/** Everything a writer needs about the document it is writing. */
class DocumentWriter {
  readonly bank: TopicBank;
  readonly scope: string;
  readonly vars: Record<string, string>;

  constructor(
    readonly draft: PolicyDraft,
    private readonly corpus: readonly PolicyDraft[],
    readonly rng: SeededRandom,
  ) {
    this.bank = TOPIC_BANKS[draft.primaryTopic];
    this.scope = scopeWord(draft.agency.level);
    this.vars = { scope: this.scope, subject: draft.subject.noun, subjectWork: asWork(draft.subject.noun) };
  }

  get agency(): Agency {
    return this.draft.agency;
  }

  get year(): number {
    return yearOf(this.draft.day);
  }

  fill(template: string, rng: SeededRandom = this.rng): string {
    return fill(template, this.vars, rng);
  }

  /** An earlier document on the same topic that this one can cite, preferring higher levels. */
  findCitable(rng: SeededRandom, predicate: (doc: PolicyDraft) => boolean = () => true): PolicyDraft | null {
    const { draft } = this;
    const ownRank = LEVEL_RANK[draft.agency.level];
    const candidates = this.corpus.filter(
      (doc) =>
        doc !== draft &&
        doc.day < draft.day &&
        doc.topics.includes(draft.primaryTopic) &&
        ['directive', 'forward', 'rule', 'revision'].includes(doc.form.kind) &&
        (doc.supersededBy === null || doc.supersededBy.by.day > draft.day) &&
        (LEVEL_RANK[doc.agency.level] < ownRank ||
          (LEVEL_RANK[doc.agency.level] === ownRank && doc.agency.region === draft.agency.region)) &&
        predicate(doc),
    );
    if (candidates.length === 0) return null;
    // Favour the most senior issuers: national for provinces, provincial for cities.
    const bestRank = Math.min(...candidates.map((doc) => LEVEL_RANK[doc.agency.level]));
    const senior = candidates.filter((doc) => LEVEL_RANK[doc.agency.level] === bestRank);
    return rng.pick(rng.chance(0.7) ? senior : candidates);
  }

  /**
   * A number for a document outside the corpus (a 请示), kept clear of corpus
   * numbers so that a search for it never lands on an unrelated document.
   */
  unusedNumber(code: string, year: number, serial: number): string {
    const taken = new Set(this.corpus.map((doc) => doc.docNumber));
    let candidate = serial;
    while (taken.has(`${code}〔${year}〕${candidate}号`)) candidate++;
    return `${code}〔${year}〕${candidate}号`;
  }

  cite(doc: PolicyDraft): string {
    const issuer = doc.agency === this.agency ? '' : doc.agency.level === 'national' ? doc.agency.name : doc.agency.shortName;
    return `${issuer}${nestedTitle(doc.title)}（${doc.docNumber}）`;
  }

  /** 党中央关于…的决策部署 or a cited document's 精神. */
  basis(rng: SeededRandom): string {
    const cited = rng.chance(0.65) ? this.findCitable(rng) : null;
    if (cited) return `${this.cite(cited)}精神`;
    const noun = this.draft.subject.noun;
    switch (this.agency.level) {
      case 'national':
        return `党中央关于${noun}的决策部署`;
      case 'provincial':
        return `党中央关于${noun}的决策部署和中央有关文件要求`;
      case 'city':
        return `省委关于${noun}的部署要求`;
      case 'county':
        return `省委、市委关于${noun}的部署要求`;
    }
  }

  opening(rng: SeededRandom, ending: string): string {
    const aim = fill(rng.pick(OPENING_AIMS), this.vars, rng);
    const lead = rng.pick(PURPOSE_LEADS);
    const jurisdiction = this.agency.level === 'national' ? '' : `结合${ownJurisdiction(this.agency.level)}实际，`;
    return `为${lead}${congressSpirit(this.draft.day)}，认真落实${this.basis(rng)}，${aim}，${jurisdiction}${ending}`;
  }

  guidingParagraph(rng: SeededRandom): string {
    const line = rng.pick(['深入落实新时代党的建设总要求和新时代党的组织路线', '认真落实全面从严治党战略部署', '坚持围绕中心、服务大局']);
    const targetYear = this.year + rng.int(2, 5);
    const target = fill(rng.pick(TARGETS), { ...this.vars, year: String(targetYear), span: chineseNumeral(rng.int(2, 3)) }, rng);
    return `${guidingThought(this.draft.day)}，全面贯彻${congressSpirit(this.draft.day)}，${line}，以${this.draft.subject.noun}为重点，推动${this.bank.goal}。${target}`;
  }

  /** Task texts; past the bank's size, each task gains elaborating sentences. */
  tasks(rng: SeededRandom, size: number, tasks: readonly Task[] = this.bank.tasks): Array<{ heading: string; text: string }> {
    const { count, extrasPerItem } = spread(size, tasks.length);
    const extras = rng.sample(ELABORATIONS, count * extrasPerItem).map((e) => this.fill(e, rng));
    return rng.sample(tasks, count).map((task, index) => ({
      heading: task.heading,
      text: this.fill(task.text, rng) + extras.slice(index * extrasPerItem, (index + 1) * extrasPerItem).join(''),
    }));
  }

  taskItems(rng: SeededRandom, size: number, tasks: readonly Task[] = this.bank.tasks): string[] {
    const items = this.tasks(rng, size, tasks).map((task, index) => `（${chineseNumeral(index + 1)}）${task.heading}。${task.text}`);
    // Now and then a task points at an earlier rule that governs it.
    const rule = rng.chance(0.3) ? this.findCitable(rng, (doc) => isRuleType(doc.docType)) : null;
    if (rule && items.length > 0) {
      const last = items.length - 1;
      items[last] = `${items[last]}严格执行${this.cite(rule)}有关规定。`;
    }
    return items;
  }

  guaranteeItems(rng: SeededRandom, count: number): string[] {
    return rng.sample(GUARANTEES, count).map((g, index) => `（${chineseNumeral(index + 1)}）${g.heading}。${this.fill(g.text, rng)}`);
  }

  signature(): string {
    return `${this.agency.name}\n${chineseDate(this.draft.day)}`;
  }

  /** A later document has changed this one: say so, as a legal database would. */
  supersessionNote(): string[] {
    const link = this.draft.supersededBy;
    if (!link) return [];
    const self = isRuleType(this.draft.docType) ? `本${this.draft.docType}` : '本文件';
    const by = `${nestedTitle(link.by.title)}（${link.by.docNumber}）`;
    switch (link.how) {
      case 'revised':
        return [`（注：${self}已被${by}废止。）`];
      case 'amended':
        return [`（注：${self}已根据${by}作出修改，执行中以修改后的条文为准。）`];
      case 'repealed':
        return [`（注：${self}已由${by}宣布废止。）`];
    }
  }

  filler(): string[] {
    return GUARANTEES.map((g) => this.fill(g.text));
  }

  /** The body with length control, signature and supersession note. */
  finish(startSize: number, compose: (size: number, rng: SeededRandom) => string[], withSignature = true): string {
    const trailer = [...(withSignature ? [this.signature()] : []), ...this.supersessionNote()];
    const targetLength = this.rng.int(750, 2600);
    return composeWithinLimits(this.rng, startSize, compose, trailer, this.filler(), targetLength);
  }
}

function section(index: number, heading: string): string {
  return `${chineseNumeral(index)}、${heading}`;
}

function deadlinePhrase(rng: SeededRandom, day: number): string {
  const { year, month } = dateOf(Math.min(LAST_DAY + 60, day + rng.int(30, 120)));
  return `${year}年${month}月${rng.pick([10, 15, 20, 25, 30])}日`;
}

// ——— sectioned documents ———

function composeOpinion(w: DocumentWriter, size: number, rng: SeededRandom): string[] {
  const { draft } = w;
  const isDecision = draft.docType === '决定';
  const ending = isDecision
    ? `${w.agency.shortName}决定，在${w.scope}${draft.verb}${draft.subject.noun}。现作出如下决定。`
    : `现就${draft.verb}${draft.subject.noun}提出如下意见。`;
  const headings = rng.pick([
    ['总体要求', '重点任务', '保障措施'],
    ['指导思想和目标任务', '主要措施', '组织领导'],
    ['总体要求', '工作举措', '工作要求'],
  ] as const);
  return [
    w.opening(rng, ending),
    section(1, headings[0]),
    w.guidingParagraph(rng),
    section(2, headings[1]),
    ...w.taskItems(rng, size),
    section(3, headings[2]),
    ...w.guaranteeItems(rng, Math.min(GUARANTEES.length, 2 + Math.floor(size / 4))),
    `各地各部门要结合实际，制定具体贯彻落实措施，认真抓好落实。执行中的重要情况和问题，请及时报告${w.agency.shortName}。`,
  ];
}

function composeNotice(w: DocumentWriter, size: number, rng: SeededRandom): string[] {
  const { draft } = w;
  const approval = w.agency.role === 'generalOffice' ? `经${w.agency.level === 'provincial' ? '省委' : '市委'}同意，` : '';
  const opening = w.opening(rng, `${approval}现就${draft.verb}${draft.subject.noun}有关事项通知如下。`);
  const deadline = `请各${w.agency.level === 'provincial' ? '市、各单位' : '地各单位'}于${deadlinePhrase(rng, draft.day)}前将贯彻落实情况书面报送${w.agency.shortName}。`;
  const significance = `做好${asWork(draft.subject.noun)}，是${rng.pick(['落实全面从严治党要求的具体举措', '加强党的建设的重要内容', '推动各项决策部署落地见效的重要保障'])}。各级党组织要充分认识做好这项工作的重要性和紧迫性，把思想和行动统一到上级部署要求上来，切实增强责任感和使命感，坚决防止重部署轻落实、重形式轻实效。`;
  const paragraphs = [addressees(w.agency.level, w.agency.role), opening];
  if (rng.chance(0.5)) {
    paragraphs.push(
      section(1, '提高思想认识'),
      significance,
      section(2, '突出工作重点'),
      ...w.taskItems(rng, size),
      section(3, '加强组织保障'),
      ...w.guaranteeItems(rng, 2),
    );
  } else {
    const tasks = w.tasks(rng, size);
    tasks.forEach((task, index) => paragraphs.push(`${section(index + 1, task.heading)}。${task.text}`));
    const guarantee = rng.pick(GUARANTEES);
    paragraphs.push(`${section(tasks.length + 1, guarantee.heading)}。${w.fill(guarantee.text, rng)}`);
  }
  paragraphs.push(deadline, '特此通知。');
  return paragraphs;
}

function composeProgramme(w: DocumentWriter, size: number, rng: SeededRandom): string[] {
  const { draft } = w;
  const stages = STAGES.map((stage, index) => {
    const from = dateOf(Math.min(draft.day + index * 60 + 7, LAST_DAY + 365));
    return `（${chineseNumeral(index + 1)}）${stage.name}（${from.year}年${from.month}月起）。${stage.work}`;
  });
  return [
    w.opening(rng, '制定本方案。'),
    section(1, '总体目标'),
    w.guidingParagraph(rng),
    section(2, '主要任务'),
    ...w.taskItems(rng, size),
    section(3, '实施步骤'),
    ...stages.slice(0, rng.int(3, 4)),
    section(4, '工作要求'),
    ...w.guaranteeItems(rng, 2),
  ];
}

function composePlan(w: DocumentWriter, size: number, rng: SeededRandom): string[] {
  const { draft, bank } = w;
  const isPlan = draft.docType === '规划';
  const paragraphs = [w.opening(rng, isPlan ? '根据有关规定，编制本规划。' : '制定本纲要。')];
  let index = 1;
  if (isPlan) {
    const achievements = rng.sample(bank.achievements, 3).map((a) => w.fill(a, rng));
    const problems = rng.sample(PROBLEMS, 2).map((p) => w.fill(p, rng));
    paragraphs.push(
      section(index++, '发展基础'),
      `近年来，${w.scope}各级党组织认真贯彻上级部署要求，${draft.subject.noun}取得明显成效：${achievements.join('；')}。同时也要看到，${problems.join('；')}，需要在规划期内着力加以解决。`,
    );
  }
  paragraphs.push(section(index++, '总体要求'), w.guidingParagraph(rng));
  paragraphs.push(section(index++, '主要任务'), ...w.taskItems(rng, size));
  paragraphs.push(section(index++, '保障措施'), ...w.guaranteeItems(rng, Math.min(GUARANTEES.length, 2 + Math.floor(size / 4))));
  return paragraphs;
}

// ——— rules (第一条、第二条 …) ———

function ruleScope(w: DocumentWriter): string {
  const { agency } = w;
  if (agency.role === 'congress') return `本省行政区域内${asWork(w.draft.subject.noun)}及其相关活动`;
  if (agency.role === 'organsWork') return '省直机关各级党组织和党员干部';
  if (agency.role === 'discipline') return `${w.scope}各级纪检监察机关，以及${w.scope}各级党组织和党员干部`;
  if (agency.role === 'government' || agency.role === 'governmentOffice') return `${w.scope}各级行政机关及其工作人员`;
  return `${w.scope}各级党组织和党员`;
}

function composeRule(
  w: DocumentWriter,
  size: number,
  rng: SeededRandom,
  docType: PolicyDocType = w.draft.docType,
  previous?: PolicyDraft,
): string[] {
  const { draft, agency } = w;
  const self = `本${docType}`;
  const statute = agency.role === 'congress';
  // Statutes and government rules are enforced by governments, not by Party organisations.
  const civil = statute || agency.role === 'government' || agency.role === 'governmentOffice';
  const legalBasis = statute
    ? '有关法律、行政法规'
    : agency.role === 'government' || agency.role === 'governmentOffice'
      ? '有关法律法规和党中央、国务院有关规定'
      : '《中国共产党章程》和有关党内法规';
  const cited = rng.chance(0.5) ? w.findCitable(rng) : null;
  const basis = cited ? `${legalBasis}以及${w.cite(cited)}` : legalBasis;
  const aim = fill(rng.pick(OPENING_AIMS), w.vars, rng);
  const principles = rng.sample(RULE_PRINCIPLES, rng.int(3, 4));
  const responsible = statute ? '县级以上人民政府' : agency.shortName;
  const articles = [
    `为了${draft.verb}${draft.subject.noun}，${aim}，根据${basis}，结合${statute ? '本省' : ownJurisdiction(agency.level).replace('我', '本')}实际，制定${self}。`,
    `${self}适用于${ruleScope(w)}。`,
    `${asWork(draft.subject.noun)}应当遵循以下原则：${principles.map((p, i) => `（${chineseNumeral(i + 1)}）${p}`).join('；')}。`,
    `${responsible}负责${w.scope === '全国' ? '' : w.scope}${asWork(draft.subject.noun)}的统筹指导和监督检查，有关部门按照职责分工做好相关工作。`,
    ...rng.sample(w.bank.clauses, size),
    ...rng.sample(GENERIC_CLAUSES, size - w.bank.clauses.length).map((c) => w.fill(c, rng)),
    `上级${civil ? '人民政府及有关部门' : '党组织'}应当将${asWork(draft.subject.noun)}落实情况纳入年度考核，采取日常督导、专项检查、随机抽查等方式加强监督。`,
    `违反${self}规定的，由${civil ? '有关主管部门责令改正' : '有关党组织责令改正，视情节轻重予以批评教育、诫勉或者组织处理'}；构成违纪违法的，依规依纪依法追究责任。`,
    `${self}由${statute ? PROVINCE.name + '人民代表大会常务委员会' : agency.shortName}负责解释。`,
  ];
  const effective = statute
    ? `${self}自${chineseDate(draft.day + rng.int(30, 90)).replace(/\d+日$/, '1日')}起施行。`
    : `${self}自${rng.pick(['印发', '发布'])}之日起施行。`;
  const superseded = previous
    ? `${chineseDate(previous.day).replace(/\d+日$/, '')}印发的${nestedTitle(previous.title)}（${previous.docNumber}）同时废止。`
    : '';
  articles.push(effective + superseded);
  const paragraphs = articles.map((text, index) => `第${chineseNumeral(index + 1)}条${FULL_WIDTH_SPACE}${text}`);
  if (statute || articles.length >= 12) {
    // Long rules are split into chapters: 总则 / substance / 监督管理 / 附则.
    const chapterNames = ['总则', rng.pick(['主要内容', '工作职责', '组织实施']), '监督管理', '附则'];
    const breaks = [0, 4, articles.length - 4, articles.length - 2];
    breaks.reverse().forEach((position, reversedIndex) => {
      const chapterIndex = chapterNames.length - reversedIndex;
      paragraphs.splice(position, 0, `第${chineseNumeral(chapterIndex)}章${FULL_WIDTH_SPACE}${chapterNames[chapterIndex - 1]}`);
    });
  }
  return paragraphs;
}

// ——— documents that act on other documents ———

function composeAmendment(w: DocumentWriter, size: number, rng: SeededRandom, target: PolicyDraft): string[] {
  const changes: string[] = [];
  const clauses = rng.sample(TOPIC_BANKS[target.primaryTopic].clauses, size);
  let article = rng.int(4, 6);
  clauses.forEach((clause, index) => {
    const n = chineseNumeral(index + 1);
    const kind = index % 3;
    if (kind === 0) changes.push(`${n}、将第${chineseNumeral(article)}条修改为：“${clause}”`);
    else if (kind === 1)
      changes.push(`${n}、在第${chineseNumeral(article)}条后增加一条，作为第${chineseNumeral(article + 1)}条：“${clause}”`);
    else changes.push(`${n}、删除第${chineseNumeral(article)}条。`);
    article += rng.int(1, 3);
  });
  const self = target.docType;
  return [
    `为${rng.pick(PURPOSE_LEADS)}${congressSpirit(w.draft.day)}，适应${asWork(target.subject.noun)}新形势新要求，经${w.agency.shortName}研究，决定对${nestedTitle(target.title)}（${target.docNumber}）作如下修改：`,
    ...changes,
    `本决定自印发之日起施行。${nestedTitle(target.title)}根据本决定作相应修改，条文顺序作相应调整，重新印发。`,
    `各地各单位要认真组织学习修改后的${self}，准确把握修改内容，及时清理与之不相适应的制度规定，确保${self}各项要求落到实处。`,
  ];
}

function composeRepealList(w: DocumentWriter, size: number, rng: SeededRandom, targets: readonly PolicyDraft[]): string[] {
  const government = w.agency.role === 'government';
  const kindWord = government ? '省政府规范性文件' : '党内规范性文件';
  const firstYear = Math.min(...targets.map((t) => yearOf(t.day)));
  const list = targets.map((t, i) => `${i + 1}.${nestedTitle(t.title)}（${t.docNumber}）`);
  const extra = [
    `各地各部门要以此次清理为契机，建立健全${kindWord}动态清理工作机制，对不适应新形势新要求的文件及时修改或者废止，切实维护制度的统一性和权威性。`,
    `对废止的文件，有关部门要做好政策衔接，不得继续作为行政管理、执纪问责的依据；确需保留的内容，应当按程序纳入新制定的制度规范。`,
    `今后制定${kindWord}，要严格履行起草、审核、备案等程序，坚持少而精、务实管用，从源头上防止文件打架、重复发文。`,
  ];
  return [
    `为维护制度体系的统一性和权威性，${government ? '省政府' : '省委'}对${firstYear}年以来制发的${kindWord}进行了集中清理。经${government ? '省政府常务会议' : '省委常委会会议'}审议，决定废止以下${chineseNumeral(targets.length)}件${kindWord}：`,
    ...list,
    '以上文件自本决定印发之日起停止执行。',
    ...extra.slice(0, size),
  ];
}

// ——— bulletins ———

function casePlace(w: DocumentWriter, rng: SeededRandom): { who: string; unit: string; name: string } {
  const { agency } = w;
  const city = agency.level === 'provincial' || agency.level === 'national' ? undefined : cityByName(agency.region);
  const county = randomCountyPlace(rng, city);
  const name = placeholderPerson(rng);
  const roll = rng.next();
  if (roll < 0.5) {
    const unit = `${county.label}${rng.pick(COUNTY_BUREAUS)}`;
    const post = rng.pick(['原党组书记、局长', '党组成员、副局长', '原副局长', '办公室主任', '某股股长']);
    return { who: `${unit}${post}${name}`, unit, name };
  }
  if (roll < 0.8) {
    const unit = `${county.label}${townName(rng)}`;
    const post = rng.pick(['党委原书记', '党委副书记、镇长', '原副镇长', '财政所所长', '综合执法队队长']);
    return { who: `${unit}${post}${name}`, unit, name };
  }
  if (roll < 0.9) {
    const unit = `${county.label}${townName(rng)}${villageName(rng)}`;
    return { who: `${unit}党支部书记、村委会主任${name}`, unit, name };
  }
  const unit = `${county.city.name}某国有投资集团有限公司`;
  return { who: `${unit}${rng.pick(['原党委书记、董事长', '党委委员、副总经理'])}${name}`, unit, name };
}

/** 0.6 / 12.5 / 30 — one decimal, trailing .0 dropped. */
function amountText(rng: SeededRandom, [min, max]: readonly [number, number]): string {
  return (rng.int(Math.round(min * 10), Math.round(max * 10)) / 10).toFixed(1).replace(/\.0$/, '');
}

function violationCase(w: DocumentWriter, rng: SeededRandom, category: ViolationCategory): string {
  const place = casePlace(w, rng);
  // Misconduct first, penalty some months later, bulletin after that.
  const penaltyDay = w.draft.day - rng.int(15, 120);
  const eventDay = penaltyDay - rng.int(60, 600);
  const y2 = yearOf(eventDay);
  const severity = rng.weighted([
    ['light', 3],
    ['medium', 2],
    ['heavy', 1],
  ] as const);
  return fill(
    rng.pick(VIOLATION_CASES[category]),
    {
      who: place.who,
      unit: place.unit,
      name: place.name,
      y1: String(y2 - rng.int(1, 3)),
      y2: String(y2),
      m: String(dateOf(eventDay).month),
      times: String(rng.int(3, 15)),
      amount: amountText(rng, VIOLATION_AMOUNTS[category]),
      penaltyYear: String(yearOf(penaltyDay)),
      penaltyMonth: String(dateOf(penaltyDay).month),
      penalty: rng.pick(PENALTIES[severity]),
    },
    rng,
  );
}

function composeViolations(
  w: DocumentWriter,
  size: number,
  rng: SeededRandom,
  categories: readonly ViolationCategory[],
  periodPhrase: string,
): string[] {
  const cases = categories.slice(0, Math.max(3, Math.min(6, size))).map((category, i) => `${i + 1}.${violationCase(w, rng, category)}`);
  return [
    addressees(w.agency.level, w.agency.role),
    `为进一步严明纪律、强化警示，驰而不息纠治“四风”，现将${periodPhrase}${w.scope}纪检监察机关查处的${chineseNumeral(cases.length)}起典型问题通报如下：`,
    ...cases,
    rng.pick(BULLETIN_WARNINGS),
    ...rng.sample(BULLETIN_REQUIREMENTS, rng.int(2, 3)),
  ];
}

function honourees(rng: SeededRandom, w: DocumentWriter, count: number, people: boolean): string {
  const city = cityByName(w.agency.region);
  return Array.from({ length: count }, () => {
    const county = randomCountyPlace(rng, city);
    const unit = `${county.label}${townName(rng)}${villageName(rng)}党支部`;
    return people ? `${inventedPerson(rng)}（${unit}${rng.pick(['书记', '党员', '委员'])}）` : unit;
  }).join('、');
}

function composeInspection(
  w: DocumentWriter,
  size: number,
  rng: SeededRandom,
  variant: 'review' | 'praise' | 'rectification',
  award: string,
): string[] {
  const { draft, bank } = w;
  const paragraphs = [addressees(w.agency.level, w.agency.role)];
  if (variant === 'praise') {
    paragraphs.push(
      `${w.year}年，${w.scope}各级党组织${rng.pick(['认真贯彻上级部署要求', '围绕中心、服务大局'])}，扎实推进${asWork(draft.subject.noun)}，涌现出一批工作扎实、成效明显的先进典型。为树立导向、激励先进，经研究，决定对以下${award}予以通报表扬：`,
      honourees(rng, w, size + 2, false) + '。',
      `希望受到表扬的单位珍惜荣誉、再接再厉，在${asWork(draft.subject.noun)}中继续发挥示范带动作用。${w.scope}各级党组织要以先进为榜样，${w.fill(rng.pick(bank.tasks).text, rng)}`,
    );
    return paragraphs;
  }
  const { month } = dateOf(draft.day);
  const what = variant === 'rectification' ? '巡视反馈问题整改' : draft.subject.noun;
  paragraphs.push(
    `根据工作安排，${w.year}年${Math.max(1, month - 2)}月至${month}月，${w.agency.shortName}组织对${w.scope}${what}情况进行了专项检查。检查采取听取汇报、查阅资料、个别谈话、实地走访等方式进行。现将有关情况通报如下。`,
    section(1, '总体情况'),
    `从检查情况看，各地各单位认真落实部署要求，工作取得积极成效：${rng
      .sample(bank.achievements, 2)
      .map((a) => w.fill(a, rng))
      .join('；')}。${randomCountyPlace(rng, cityByName(w.agency.region)).label}等地探索形成了一批好经验好做法。`,
    section(2, '存在的主要问题'),
    ...rng.sample(PROBLEMS, Math.min(size, PROBLEMS.length)).map((p, i) => `（${chineseNumeral(i + 1)}）${w.fill(p, rng)}。`),
    section(3, '下一步工作要求'),
    ...rng.sample(NEXT_STEPS, 2).map((s, i) => `（${chineseNumeral(i + 1)}）${s}。`),
    `请各地各单位对照检查发现的问题，认真抓好整改，于${deadlinePhrase(rng, draft.day)}前将整改情况报送${w.agency.shortName}。`,
  );
  return paragraphs;
}

function composeCommendation(w: DocumentWriter, size: number, rng: SeededRandom, award: string): string[] {
  const categories = award.split(/、|和/).filter((c) => c.length > 0);
  const lists = categories.flatMap((category, i) => {
    const people = /党员|书记|工作者|宣讲员/.test(category);
    return [`${section(i + 1, `${w.scope}${category}`)}`, `${honourees(rng, w, Math.max(2, size), people)}。`];
  });
  return [
    `${w.year}年以来，${w.scope}各级党组织和广大党员${rng.pick(['坚决贯彻党中央决策部署', '认真落实上级各项部署要求'])}，在推动发展、服务群众、基层治理等工作中${rng.pick(['勇挑重担、担当作为', '冲锋在前、攻坚克难'])}，涌现出一大批先进典型。为表彰先进、树立榜样，${w.agency.shortName}决定，对以下${award}予以表彰。`,
    ...lists,
    `希望受到表彰的先进基层党组织和个人珍惜荣誉、戒骄戒躁，在新征程上再立新功。${w.scope}各级党组织和广大党员要以先进为榜样，${rng.pick(['立足岗位、担当作为', '比学赶超、争创一流', '坚定信念、砥砺奋进'])}，为${rng.pick(['推动高质量发展', '全面推进乡村振兴', '提升基层治理效能'])}作出新的更大贡献。`,
  ];
}

// ——— speeches, reports, replies, letters ———

function composeSpeech(w: DocumentWriter, size: number, rng: SeededRandom): string[] {
  const { draft, bank } = w;
  const superior = w.agency.level === 'provincial' ? '省委' : w.agency.level === 'city' ? '市委' : '党中央';
  const opening = fill(rng.pick(SPEECH_OPENINGS), { ...w.vars, congress: congressSpirit(draft.day), period: '近年来', superior }, rng);
  const achievements = rng.sample(bank.achievements, 3).map((a) => w.fill(a, rng));
  const problems = rng.sample(PROBLEMS, 2).map((p) => w.fill(p, rng));
  const ordinals = ['第一', '第二', '第三', '第四', '第五', '第六'];
  const tasks = w.tasks(rng, size).map((t, i) => `${ordinals[i] ?? '另外'}，${t.heading}。${t.text.replace(/^各级党委（党组）要/, '')}`);
  return [
    '同志们：',
    `${opening}刚才，几个单位作了交流发言，讲得都很好，希望大家相互学习借鉴。下面，我讲几点意见。`,
    section(1, `提高政治站位，充分认识做好${asWork(draft.subject.noun)}的重要意义`),
    `做好${asWork(draft.subject.noun)}，事关${rng.pick(['党的执政根基', '党的建设全局', '人民群众切身利益'])}。我们要从政治和全局的高度认识这项工作，坚决推动${bank.goal}。`,
    section(2, '正视成绩和不足，准确把握当前形势'),
    `过去一段时间，${w.scope}上下齐心协力，${draft.subject.noun}取得了新的进展：${achievements.join('；')}。这些成绩来之不易。同时也要清醒看到，${problems.join('；')}。对这些问题，我们必须高度重视，切实加以解决。`,
    section(3, '突出工作重点，推动各项任务落地见效'),
    ...tasks,
    section(4, '加强组织领导，以严实作风抓好工作落实'),
    `各级党组织要把${asWork(draft.subject.noun)}放在心上、扛在肩上，主要负责同志要亲自研究部署、亲自督促落实。要坚持求真务实，坚决反对形式主义、官僚主义，把功夫下在调查研究、解决问题上，以实实在在的成效取信于民。`,
    fill(rng.pick(SPEECH_CLOSINGS), w.vars, rng),
  ];
}

function composeReport(w: DocumentWriter, size: number, rng: SeededRandom, reportYear: number, reportSubject: string): string[] {
  const superior = w.agency.level === 'provincial' ? '党中央' : '省委';
  return [
    `${superior}：`,
    `${reportYear}年，${w.agency.shortName}${guidingThought(w.draft.day)}，认真贯彻${congressSpirit(w.draft.day)}，扎实推进${reportSubject}各项任务。现将有关情况报告如下。`,
    section(1, '主要工作及成效'),
    ...reportItems(w, rng, size),
    section(2, '存在的问题和不足'),
    `对照${superior}要求，工作中还存在一些不足：${rng
      .sample(PROBLEMS, 3)
      .map((p) => w.fill(p, rng))
      .join('；')}。`,
    section(3, '下一步工作打算'),
    ...rng.sample(NEXT_STEPS, 3).map((s, i) => `（${chineseNumeral(i + 1)}）${s}。`),
    '特此报告。',
  ];
}

const REPORT_GENERIC_RESULTS = [
  '制定出台配套制度措施，工作机制进一步健全',
  '开展专项督导检查，推动发现问题整改落实',
  '总结推广基层经验做法，示范带动作用明显',
  '加强业务培训，基层党务干部履职能力有所提升',
] as const;

/** Each task reported with a distinct result, numbers first, then qualitative ones. */
function reportItems(w: DocumentWriter, rng: SeededRandom, size: number): string[] {
  const results = [...rng.shuffle(w.bank.achievements).map((a) => w.fill(a, rng)), ...rng.shuffle(REPORT_GENERIC_RESULTS)];
  const closers = ['相关工作取得积极进展', '工作质量进一步提升', '得到基层党员群众普遍认可'];
  return rng
    .sample(w.bank.tasks, size)
    .map((t, i) => `（${chineseNumeral(i + 1)}）着力${t.heading}。${results[i % results.length] ?? ''}，${rng.pick(closers)}。`);
}

function composeReply(w: DocumentWriter, size: number, rng: SeededRandom, place: string, item: string): string[] {
  const city = cityByName(place);
  const isCity = city !== undefined && place === city.name;
  const government = w.agency.role === 'government';
  const requester = government ? `${place}人民政府` : `中共${place}委`;
  const requestCode = city
    ? isCity
      ? `${city.abbr}${government ? '政' : '委'}`
      : `${place.slice(city.name.length, city.name.length + 2)}${government ? '政' : '委'}`
    : '请';
  const requestDay = Math.max(0, w.draft.day - rng.int(20, 90));
  const you = isCity ? '你市' : place.endsWith('区') ? '你区' : '你县';
  return [
    `${requester}：`,
    `${you}《关于${item}的请示》（${w.unusedNumber(requestCode, yearOf(requestDay), rng.int(3, 60))}）收悉。经研究，现批复如下：`,
    `一、同意${place}${item}。${you}要以此为契机，大胆探索、先行先试，力争形成可复制可推广的经验。`,
    `二、${you}要结合实际制定具体实施方案，明确目标任务、责任分工和时间节点，重点抓好以下工作：`,
    ...w.taskItems(rng, size),
    `三、${w.fill(rng.pick(GUARANTEES).text, rng)}`,
    `四、省直有关部门要按照职责分工加强指导支持，在政策、项目、资金等方面给予倾斜。实施过程中的重大事项，请及时向${w.agency.shortName}报告。`,
    '此复。',
  ];
}

function composeLetter(
  w: DocumentWriter,
  size: number,
  rng: SeededRandom,
  variant: 'consult' | 'nominate' | 'collect',
  detail: string,
): string[] {
  const { draft, bank } = w;
  const head = addressees(w.agency.level, w.agency.role);
  const deadline = deadlinePhrase(rng, draft.day);
  if (variant === 'consult') {
    return [
      head,
      `为${draft.verb}${draft.subject.noun}，${w.agency.shortName}在深入调研、广泛听取意见的基础上，起草了《${detail}》。现送上，请结合实际认真研究，提出修改意见建议。`,
      '征求意见稿主要包括以下内容：',
      ...rng.sample(bank.clauses, size).map((c, i) => `${i + 1}.${c}`),
      `请于${deadline}前将书面意见反馈${w.agency.shortName}（联系方式略）。逾期未反馈的，视为无意见。`,
    ];
  }
  if (variant === 'nominate') {
    return [
      head,
      `根据工作安排，${w.agency.shortName}拟于${w.year}年开展${w.scope}${detail}评选表彰工作。现将推荐有关事项函告如下：`,
      section(1, '推荐条件'),
      `推荐对象应当政治立场坚定，模范履行职责，在${asWork(draft.subject.noun)}中成绩突出，群众公认。重点从基层一线推荐，${rng.pick(['注重推荐在乡村振兴、基层治理等工作中表现突出的', '向艰苦地区和基层一线倾斜'])}。`,
      section(2, '推荐程序'),
      '推荐工作按照自下而上、逐级推荐的方式进行，经民主推荐、组织考察、征求纪检监察机关意见和公示等程序后确定推荐人选，公示时间不少于五个工作日。',
      section(3, '有关要求'),
      ...w.guaranteeItems(rng, Math.min(size, 3)),
      `请于${deadline}前将推荐人选材料报送${w.agency.shortName}（联系方式略）。`,
    ];
  }
  return [
    head,
    `为全面了解${w.year}年${w.scope}${asWork(detail)}开展情况，总结推广经验做法，研究解决存在问题，请各单位认真总结，形成书面材料。现将有关事项函告如下：`,
    section(1, '报送内容'),
    `（一）主要做法和成效。重点反映${rng
      .sample(bank.tasks, size)
      .map((t) => t.heading)
      .join('、')}等方面的具体举措和取得的实际成效，附必要的数据和典型案例。`,
    `（二）存在的问题。实事求是分析工作中存在的问题，特别是${w.fill(rng.pick(PROBLEMS), rng)}等方面的情况。`,
    '（三）意见建议。围绕完善制度机制、加强工作保障等方面提出意见建议。',
    section(2, '有关要求'),
    ...w.guaranteeItems(rng, Math.min(Math.max(size - 2, 0), 3)),
    `材料要实事求是、简明扼要，字数一般不超过三千字，经本单位主要负责同志审核后，于${deadline}前报送${w.agency.shortName}（联系方式略）。`,
  ];
}

/** Who approved an attached document before it was issued (已经…). */
function approvalPhrase(agency: Agency): string {
  const tier = agency.level === 'provincial' ? '省' : agency.level === 'city' ? '市' : agency.level === 'county' ? '县' : '';
  switch (agency.role) {
    case 'partyCentre':
      return '党中央同意';
    case 'generalOffice':
      return `${tier}委同意`;
    case 'governmentOffice':
      return agency.level === 'national' ? '国务院同意' : `${tier}政府同意`;
    case 'partyCommittee':
      return `${tier}委常委会会议审议通过`;
    case 'government':
      return `${tier}政府常务会议审议通过`;
    case 'discipline':
      return `${tier}纪委常委会会议研究同意`;
    case 'organsWork':
      return '省直机关工委委员会议研究同意';
    case 'inspection':
      return '省委巡视工作领导小组会议研究同意';
    default:
      return '部务会议研究同意';
  }
}

function composeForward(w: DocumentWriter, size: number, rng: SeededRandom, innerTitle: string, innerDocType: PolicyDocType): string[] {
  const preface = [
    addressees(w.agency.level, w.agency.role),
    `《${innerTitle}》已经${approvalPhrase(w.agency)}，现印发给你们，请结合实际认真贯彻落实。贯彻落实中遇到的问题，请及时向${w.agency.shortName}反馈。`,
    w.signature(),
    innerTitle,
  ];
  const inner = isRuleType(innerDocType) ? composeRule(w, size, rng, innerDocType) : composeProgramme(w, size, rng);
  return [...preface, ...inner];
}

/** Writes the body of one planned document; numbering must already be done. */
export function writePolicyBody(draft: PolicyDraft, corpus: readonly PolicyDraft[], rng: SeededRandom): string {
  const w = new DocumentWriter(draft, corpus, rng);
  const form = draft.form;
  const start = rng.int(3, 5);
  switch (form.kind) {
    case 'forward':
      return w.finish(start, (size, r) => composeForward(w, size, r, form.innerTitle, form.innerDocType), false);
    case 'rule':
      return w.finish(rng.int(4, 7), (size, r) => composeRule(w, size, r));
    case 'revision':
      return w.finish(rng.int(4, 7), (size, r) => composeRule(w, size, r, draft.docType, form.previous));
    case 'amendment':
      return w.finish(start, (size, r) => composeAmendment(w, size, r, form.target));
    case 'repealList':
      return w.finish(1, (size, r) => composeRepealList(w, size, r, form.targets));
    case 'commendation':
      return w.finish(rng.int(3, 6), (size, r) => composeCommendation(w, size, r, form.award));
    case 'violations':
      return w.finish(form.categories.length, (size, r) => composeViolations(w, size, r, form.categories, form.periodPhrase));
    case 'inspection':
      return w.finish(start, (size, r) => composeInspection(w, size, r, form.variant, form.award));
    case 'speech':
      return w.finish(start, (size, r) => composeSpeech(w, size, r), false);
    case 'report':
      return w.finish(start, (size, r) => composeReport(w, size, r, form.reportYear, form.reportSubject));
    case 'reply':
      return w.finish(start, (size, r) => composeReply(w, size, r, form.place, form.item));
    case 'letter':
      return w.finish(start, (size, r) => composeLetter(w, size, r, form.variant, form.detail));
    case 'directive': {
      switch (draft.docType) {
        case '通知':
          return w.finish(start, (size, r) => composeNotice(w, size, r));
        case '方案':
          return w.finish(start, (size, r) => composeProgramme(w, size, r));
        case '规划':
        case '纲要':
          return w.finish(start, (size, r) => composePlan(w, size, r));
        default:
          return w.finish(start, (size, r) => composeOpinion(w, size, r));
      }
    }
  }
}
