/**
 * Articles: news reports (some about corpus policies), commentaries and
 * profiles (宣传), and party lectures (党课). Written after the policies so
 * that news can quote real corpus document numbers.
 */
import {
  COMMENTARY_TITLES,
  LECTURE_OCCASIONS,
  LECTURE_THEMES,
  PRACTICE_HEADLINES,
  PROFILE_HEADLINES,
  VILLAGER_QUOTES,
} from './article-banks';
import { FIRST_DAY, LAST_DAY, dateOf, dayOf, isoDate, yearOf } from './calendar';
import { ARTICLE_PUBLISHERS, CITIES, PROVINCE, shortRegionName, type AgencyLevel } from './geography';
import { chineseNumeral } from './numerals';
import { ELABORATIONS, GENERIC_CLAUSES, PROBLEMS, campaignForYear, congressSpirit } from './phrases';
import { inventedPerson, randomCountyPlace, townName, villageName } from './places';
import { isRuleType, type PolicyDraft } from './policy-plan';
import type { SeededRandom } from './random';
import { asWork, composeWithinLimits, fill, nestedTitle, spread } from './text';
import { TOPIC_BANKS, type Subject } from './topic-banks';
import { TOPICS, type ArticleDocType, type SeedDocument, type Topic } from './types';

interface Locale {
  level: AgencyLevel;
  region: string;
  /** 江川省 / 临江市 / 望川县 */
  place: string;
  /** 全省 / 全市 / 全县 */
  scope: string;
  publisher: string;
}

function pickLocale(rng: SeededRandom): Locale {
  const roll = rng.next();
  if (roll < 0.35) {
    return { level: 'provincial', region: '全省', place: PROVINCE.name, scope: '全省', publisher: rng.pick(ARTICLE_PUBLISHERS.provincial) };
  }
  const county = randomCountyPlace(rng);
  if (roll < 0.7) {
    return {
      level: 'city',
      region: county.city.name,
      place: county.city.name,
      scope: '全市',
      publisher: rng.pick(ARTICLE_PUBLISHERS.city(county.city)),
    };
  }
  return {
    level: 'county',
    region: county.label,
    place: county.county.name,
    scope: county.county.name.endsWith('区') ? '全区' : '全县',
    publisher: rng.pick(ARTICLE_PUBLISHERS.county(county.city, county.county)),
  };
}

function localeOfPolicy(rng: SeededRandom, policy: PolicyDraft): Locale {
  const { agency } = policy;
  if (agency.level === 'provincial') {
    // Provincial documents are reported by the provincial papers and portals.
    return { level: 'provincial', region: '全省', place: PROVINCE.name, scope: '全省', publisher: rng.pick(['江川日报', '江川先锋网']) };
  }
  const city = CITIES.find((c) => agency.region.startsWith(c.name));
  const county = city?.counties.find((c) => agency.region === `${city.name}${c.name}`);
  if (city && county) {
    return {
      level: 'county',
      region: agency.region,
      place: county.name,
      scope: '全县',
      publisher: rng.pick(ARTICLE_PUBLISHERS.county(city, county)),
    };
  }
  if (city)
    return { level: 'city', region: city.name, place: city.name, scope: '全市', publisher: rng.pick(ARTICLE_PUBLISHERS.city(city)) };
  return { level: 'provincial', region: '全省', place: PROVINCE.name, scope: '全省', publisher: rng.pick(ARTICLE_PUBLISHERS.provincial) };
}

/** 江川省委组织部, 临江市委, 望川县委 — an issuer as a newspaper names it. */
function issuerName(policy: PolicyDraft): string {
  const { agency } = policy;
  if (agency.level === 'national') return agency.name;
  const regionName = agency.level === 'provincial' ? PROVINCE.name : shortRegionName(agency.region);
  return regionName.slice(0, -1) + agency.shortName;
}

/** Turns an instruction (各级党组织要…) into a statement for news copy. */
function narrate(text: string): string {
  return text.replace(/^(各级党委（党组）|各级党组织|各级纪检监察机关|党支部|各地各单位)(要|应当)/, '');
}

/**
 * Task paragraphs told as news; past the bank's size each task gains
 * elaborating sentences, so the size knob keeps lengthening the story.
 */
function narratedTasks(
  topic: Topic,
  size: number,
  r: SeededRandom,
  scope: string,
  subject: string,
  maxItems = 99,
): Array<{ heading: string; text: string }> {
  const tasks = TOPIC_BANKS[topic].tasks;
  const { count, extrasPerItem } = spread(size, Math.min(maxItems, tasks.length));
  const vars = { scope, subject, subjectWork: asWork(subject) };
  const extras = r.sample(ELABORATIONS, count * extrasPerItem).map((e) => fill(e, vars, r).replace(/^要/, ''));
  return r.sample(tasks, count).map((task, index) => ({
    heading: task.heading,
    text: narrate(fill(task.text, vars, r)) + extras.slice(index * extrasPerItem, (index + 1) * extrasPerItem).join(''),
  }));
}

function subjectFor(topic: Topic, year: number, rng: SeededRandom): Subject {
  if (topic === '主题教育') return { noun: campaignForYear(year), verbs: ['扎实开展', '深入开展'] };
  const current = TOPIC_BANKS[topic].subjects.filter((s) => (s.since ?? 0) <= year);
  return rng.pick(current.length > 0 ? current : TOPIC_BANKS[topic].subjects);
}

function leaderRole(level: AgencyLevel, topic: Topic, rng: SeededRandom): string {
  const discipline = ['纪律监督', '党风廉政建设', '作风建设', '巡视巡察'].includes(topic);
  const propaganda = ['宣传思想', '意识形态'].includes(topic);
  if (level === 'provincial') {
    if (discipline) return '省委常委、省纪委书记、省监委主任';
    if (propaganda) return '省委常委、宣传部部长';
    return rng.pick(['省委常委、组织部部长', '省委副书记']);
  }
  if (level === 'city') {
    if (discipline) return '市委常委、市纪委书记、市监委主任';
    if (propaganda) return '市委常委、宣传部部长';
    return rng.pick(['市委书记', '市委常委、组织部部长']);
  }
  return rng.pick(['县委书记', '县委副书记', '县委常委、组织部部长']);
}

function relatedTopics(rng: SeededRandom, primary: Topic): Topic[] {
  const topics = new Set<Topic>([primary, ...rng.sample(TOPIC_BANKS[primary].related, rng.int(0, 2))]);
  return [...topics].slice(0, 4);
}

interface ArticlePlan {
  docType: ArticleDocType;
  title: string;
  locale: Locale;
  day: number;
  topics: Topic[];
  compose: (size: number, rng: SeededRandom) => string[];
}

function fillerFor(topic: Topic, scope: string, rng: SeededRandom): string[] {
  return TOPIC_BANKS[topic].tasks.map((t) => narrate(fill(t.text, { scope }, rng)));
}

// ——— 新闻 ———

function policyShortName(policy: PolicyDraft): string {
  if (policy.form.kind === 'forward') return policy.form.innerDocType === '方案' ? '方案' : policy.form.innerDocType;
  return policy.docType;
}

function planPolicyNews(rng: SeededRandom, policies: readonly PolicyDraft[]): ArticlePlan | null {
  const eligible = policies.filter(
    (p) => p.agency.level !== 'national' && ['directive', 'forward', 'rule', 'revision'].includes(p.form.kind) && p.day + 2 <= LAST_DAY,
  );
  if (eligible.length === 0) return null;
  const policy = rng.pick(eligible);
  const locale = localeOfPolicy(rng, policy);
  const issuer = issuerName(policy);
  const short = policyShortName(policy);
  const { subject, verb } = policy;
  let title: string;
  if (policy.form.kind === 'forward') title = `${issuer}印发《${policy.form.innerTitle}》`;
  else if (isRuleType(policy.docType) || policy.docType === '规划' || policy.docType === '纲要') title = `《${policy.title}》印发实施`;
  else if (policy.docType === '通知') title = `${issuer}部署${verb}${subject.noun}`;
  else title = `${issuer}出台${short}${verb}${subject.noun}`;
  const day = Math.min(LAST_DAY, policy.day + rng.int(2, 12));
  const bank = TOPIC_BANKS[policy.primaryTopic];
  const compose = (size: number, r: SeededRandom): string[] => {
    const { month, day: dom } = dateOf(day);
    const points =
      isRuleType(policy.docType) || (policy.form.kind === 'forward' && policy.form.innerDocType !== '方案')
        ? [
            ...r.sample(bank.clauses, size),
            ...r.sample(GENERIC_CLAUSES, size - bank.clauses.length).map((c) => fill(c, { subjectWork: asWork(subject.noun) }, r)),
          ]
        : narratedTasks(policy.primaryTopic, size, r, locale.scope, subject.noun).map((t) => `要${t.heading}，${t.text}`);
    const verbs = ['明确', '提出', '要求', '强调', '指出'];
    const background = `据了解，近年来${locale.scope}${r
      .sample(bank.achievements, 2)
      .map((a) => fill(a, { scope: locale.scope }, r))
      .join(
        '，',
      )}，但${fill(r.pick(PROBLEMS), { subject: subject.noun }, r)}等情况仍不同程度存在。《${short}》坚持问题导向，${r.pick(['在总结基层实践经验的基础上', '在广泛征求各方面意见的基础上'])}，对有关工作作出了${r.pick(['系统规范', '具体安排'])}。`;
    return [
      `${month}月${dom}日，记者从${issuer}获悉，${issuer}${r.pick(['近日', '日前'])}印发${nestedTitle(policy.title)}（${policy.docNumber}，以下简称《${short}》），对${verb}${subject.noun}作出${r.pick(['全面部署', '系统安排', '具体规定'])}。`,
      ...(size > 3 ? [background] : []),
      ...points.slice(0, 6).map((p, i) => `《${short}》${verbs[i % verbs.length]}，${p}`),
      `${issuer}有关负责人表示，出台《${short}》，是${r.pick(['贯彻落实上级决策部署的具体举措', '推动全面从严治党向基层延伸的重要抓手', '解决基层反映突出问题的务实之举'])}。下一步，将加强督促指导，推动各项任务落地落实，切实把制度优势转化为治理效能。`,
    ];
  };
  return { docType: '新闻', title, locale, day, topics: [...policy.topics], compose };
}

function planMeetingNews(rng: SeededRandom): ArticlePlan {
  const locale = pickLocale(rng);
  const topic = rng.pick(TOPICS);
  const day = rng.int(FIRST_DAY, LAST_DAY);
  const year = yearOf(day);
  const meeting = topic === '主题教育' ? `${campaignForYear(year)}推进会` : TOPIC_BANKS[topic].meeting.replace(/^省直机关/, '');
  const title = `${locale.place}召开${year}年${locale.scope}${meeting}`;
  const bank = TOPIC_BANKS[topic];
  const subject = subjectFor(topic, year, rng);
  const compose = (size: number, r: SeededRandom): string[] => {
    const { month, day: dom } = dateOf(day);
    const tasks = narratedTasks(topic, size, r, locale.scope, subject.noun);
    return [
      `${month}月${dom}日，${year}年${locale.scope}${meeting}召开。会议深入学习贯彻${congressSpirit(day)}，总结近年来${asWork(subject.noun)}，部署下一阶段重点任务。${leaderRole(locale.level, topic, r)}出席会议并讲话。`,
      `会议指出，${r
        .sample(bank.achievements, 2)
        .map((a) => fill(a, { scope: locale.scope }, r))
        .join('，')}，${asWork(subject.noun)}取得新的成效。`,
      ...tasks.map((t, i) => `会议${['强调', '要求', '指出', '提出'][i % 4]}，要${t.heading}。${t.text}`),
      `会上，${chineseNumeral(r.int(3, 6))}个单位作了交流发言。${locale.scope}各级党组织负责同志和有关部门负责同志参加会议。`,
    ];
  };
  return { docType: '新闻', title, locale, day, topics: relatedTopics(rng, topic), compose };
}

function planPracticeNews(rng: SeededRandom): ArticlePlan {
  const locale = pickLocale(rng);
  const topic = rng.pick(TOPICS);
  const day = rng.int(FIRST_DAY, LAST_DAY);
  const year = yearOf(day);
  const subject = subjectFor(topic, year, rng);
  const headline = rng.chance(0.6)
    ? fill(rng.pick(PRACTICE_HEADLINES[topic]), { campaign: campaignForYear(year) }, rng)
    : `${rng.pick(subject.verbs)}${subject.noun}${rng.pick(['见实效', '取得新成效', '出实招', '走深走实'])}`;
  const title = `${locale.place}：${headline}`;
  const bank = TOPIC_BANKS[topic];
  const compose = (size: number, r: SeededRandom): string[] => {
    const village = `${townName(r)}${villageName(r)}`;
    const speaker = r.chance(0.5)
      ? `${village}村民${r.pick(['王', '李', '刘', '陈', '周'])}${r.pick(['大姐', '大爷', '师傅'])}`
      : `${village}党支部书记${inventedPerson(r)}`;
    return [
      `近年来，${locale.place}坚持以党建引领为抓手，${r.pick(['聚焦群众所急所盼', '立足基层实际', '坚持问题导向'])}，着力推动${bank.goal}。`,
      ...narratedTasks(topic, size, r, locale.scope, subject.noun).map((t) => `${t.heading}。${locale.place}${t.text}`),
      `截至目前，${r
        .sample(bank.achievements, 2)
        .map((a) => fill(a, { scope: locale.scope }, r))
        .join('，')}。`,
      `“${r.pick(VILLAGER_QUOTES)}”${speaker}说。`,
      `下一步，${locale.place}将持续${subject.verbs[0] ?? '推进'}${subject.noun}，${r.pick(['不断总结经验、完善机制', '推动各项措施落地见效', '让党员群众有更多获得感'])}。`,
    ];
  };
  return { docType: '新闻', title, locale, day, topics: relatedTopics(rng, topic), compose };
}

// ——— 宣传 ———

function planCommentary(rng: SeededRandom, policies: readonly PolicyDraft[]): ArticlePlan {
  const topic = rng.pick(TOPICS);
  const locale: Locale = {
    level: 'provincial',
    region: '全省',
    place: PROVINCE.name,
    scope: '全省',
    publisher: rng.pick(['江川日报', '江川先锋网', '江川廉政网']),
  };
  const day = rng.int(FIRST_DAY, LAST_DAY);
  const subject = subjectFor(topic, yearOf(day), rng);
  const verb = rng.pick(subject.verbs);
  const base = rng.pick(COMMENTARY_TITLES[topic]);
  const title = rng.chance(0.5) ? base : `${base}——${rng.pick(['一论', '二论', '三论'])}${verb}${subject.noun}`;
  const bank = TOPIC_BANKS[topic];
  const recent = policies.filter((p) => p.topics.includes(topic) && p.day < day && p.day > day - 120 && p.agency.level === 'provincial');
  const compose = (size: number, r: SeededRandom): string[] => {
    const trigger = recent.length > 0 ? r.pick(recent) : null;
    const opening = trigger
      ? `近日，${issuerName(trigger)}印发${nestedTitle(trigger.title)}（${trigger.docNumber}），对${trigger.verb}${trigger.subject.noun}作出部署。这是${r.pick(['推动全面从严治党向纵深发展的重要举措', '加强新时代党的建设的务实之举'])}。`
      : `抓好${asWork(subject.noun)}，是新时代党的建设的一项基础性、经常性工作，事关党的执政根基和党员队伍的先进性纯洁性。`;
    return [
      opening,
      `${verb}${subject.noun}，目的在于推动${bank.goal}。各级党组织必须提高政治站位，把这项工作放在心上、抓在手上。`,
      ...narratedTasks(topic, size, r, '全省', subject.noun).map(
        (t) => `${t.heading}，${r.pick(['是题中应有之义', '是关键所在', '重在常态长效'])}。${t.text}`,
      ),
      `也要清醒看到，${fill(r.pick(PROBLEMS), { subject: subject.noun }, r)}。对此，必须坚持问题导向，拿出务实管用的办法，一个问题一个问题地解决。`,
      `${r.pick(['功成不必在我，功成必定有我。', '路虽远，行则将至；事虽难，做则必成。', '一分部署，九分落实。'])}只要各级党组织和广大党员干部真抓实干、久久为功，${subject.noun}就一定能够取得新的更大成效。`,
    ];
  };
  return { docType: '宣传', title, locale, day, topics: relatedTopics(rng, topic), compose };
}

/** What a good village secretary leaves behind, with believable numbers. */
function profileResults(r: SeededRandom): string[] {
  const before = r.int(1, 5);
  return [
    `村集体经济年收入从不足${before}万元增长到${before * r.int(6, 20)}万元`,
    `村里修通硬化道路${r.int(3, 25)}公里，建起了党群服务中心`,
    `先后回引${r.int(5, 30)}名在外能人返乡创业`,
    `连续${r.int(3, 8)}年没有发生一起越级信访`,
    `${r.int(20, 80)}户困难群众的住房得到改造`,
  ];
}

function planProfile(rng: SeededRandom): ArticlePlan {
  const county = randomCountyPlace(rng);
  const locale: Locale = {
    level: 'county',
    region: county.label,
    place: county.county.name,
    scope: '全县',
    publisher: rng.pick(['江川日报', ...ARTICLE_PUBLISHERS.county(county.city, county.county)]),
  };
  const town = townName(rng);
  const village = villageName(rng);
  const person = inventedPerson(rng);
  const surname = person.slice(0, 1);
  const topic = rng.pick<Topic>(['乡村振兴', '基层治理', '组织建设', '党员教育管理']);
  const title = `${rng.pick(PROFILE_HEADLINES)}——记${county.county.name}${town}${village}党支部书记${person}`;
  const day = rng.int(FIRST_DAY, LAST_DAY);
  const bank = TOPIC_BANKS[topic];
  const yearsInPost = rng.int(6, 22);
  const compose = (size: number, r: SeededRandom): string[] => {
    const connectors = r.shuffle([
      (h: string) => `${h}，是${surname}书记常挂在嘴边的话。`,
      (h: string) => `在${surname}书记看来，${h}是头等大事。`,
      (h: string) => `村里的党员都知道，${surname}书记最看重的一条就是${h}。`,
      (h: string) => `“${h}，一刻也不能松。”${surname}书记这样说，也这样做。`,
    ]);
    const tasks = narratedTasks(topic, size, r, '全村', bank.subjects[0]?.noun ?? topic, connectors.length);
    const results = r.sample(profileResults(r), 2).join('，');
    return [
      `走进${county.county.name}${town}${village}，${r.pick(['平整的水泥路通到家家户户门口', '村口的党群服务中心格外醒目', '一排排新建的农房错落有致'])}。说起这些年的变化，村民们总会提起一个人——村党支部书记${person}。`,
      `${yearsInPost}年前，${person}${r.pick(['放弃在城里经营多年的生意', '从部队退役后', '大学毕业后'])}回到家乡，被党员群众推选为村党支部书记。那时的${village}${r.pick(['班子松散、集体经济几乎空白', '矛盾纠纷多、群众意见大', '基础设施落后、年轻人纷纷外出'])}。“既然大家信任我，我就要干出个样子来。”${person}说。`,
      ...tasks.map((t, i) => `${(connectors[i] ?? connectors[0] ?? ((h: string) => `${h}。`))(t.heading)}${t.text}`),
      `如今的${village}，${results}，村党支部还获评${county.city.name}先进基层党组织等荣誉。`,
      `“${r.pick(VILLAGER_QUOTES)}”村民${r.pick(['老张', '刘大姐', '陈大爷', '小王'])}说。面对荣誉，${person}却很平静：“我只是做了一名党员应该做的事。”`,
    ];
  };
  return { docType: '宣传', title, locale, day, topics: relatedTopics(rng, topic), compose };
}

// ——— 党课 ———

const LECTURE_REFLECTIONS = [
  '对照这个要求，我们每一名党员都要经常问一问自己：入党为了什么、为党做了什么、给群众留下了什么。',
  '大家可以回想一下，自己在工作中有没有遇到过类似的情况？当时是怎么做的？现在回头看，还有哪些可以做得更好？',
  '这些道理并不深奥，难就难在日复一日、年复一年地坚持下去。',
  '说一千道一万，关键在于行动。希望大家把今天讲的内容带回岗位，落实到具体工作中去。',
] as const;

function planLecture(rng: SeededRandom): ArticlePlan {
  const theme = rng.pick(LECTURE_THEMES);
  const locale = pickLocale(rng);
  const occasion = rng.pick(LECTURE_OCCASIONS);
  const anyDay = rng.int(FIRST_DAY, LAST_DAY);
  const julyFirst = occasion === '“七一”专题党课';
  // “七一” lectures are given around the Party's anniversary.
  const day = julyFirst ? Math.min(LAST_DAY, dayOf(yearOf(anyDay), 6, 20) + rng.int(0, 18)) : anyDay;
  const year = yearOf(day);
  const unit =
    locale.level === 'provincial'
      ? rng.pick([
          '省委组织部机关',
          '省直机关工委',
          '省纪委监委机关',
          '省委宣传部机关',
          '省财政厅机关',
          '省农业农村厅机关',
          '省教育厅机关',
          '省卫生健康委机关',
        ])
      : locale.level === 'city'
        ? `${locale.place}${rng.pick(['市场监督管理局', '自然资源局', '住房和城乡建设局', '教育局', '卫生健康委员会', '农业农村局', '交通运输局', '人民医院', '第一中学', '城市管理局'])}`
        : `${locale.place}${townName(rng)}`;
  const title = julyFirst ? `${theme.title}——在${unit}${year}年“七一”专题党课上的讲稿` : `${theme.title}——${unit}${occasion}（${year}年）`;
  const bank = TOPIC_BANKS[theme.topic];
  const compose = (size: number, r: SeededRandom): string[] => {
    const campaign = campaignForYear(year);
    const paragraphs = [
      '同志们：',
      `今天，按照${r.pick(['党委', '支部'])}的安排，我以“${theme.title}”为题，和大家一起交流学习体会。${year}年是${r.pick(['全面贯彻落实上级部署的关键之年', '承上启下的重要一年'])}，我们正在${campaign.includes('教育') ? `深入开展${campaign}` : '深化党的创新理论学习'}，讲好这堂党课很有意义。`,
    ];
    const perPoint = Math.max(1, Math.min(3, Math.ceil(size / 2)));
    const tasks = narratedTasks(theme.topic, perPoint * 3, r, locale.scope, theme.title);
    const reflections = r.shuffle(LECTURE_REFLECTIONS);
    theme.points.forEach((point, index) => {
      paragraphs.push(`${chineseNumeral(index + 1)}、${point}`);
      for (const task of tasks.slice(index * perPoint, (index + 1) * perPoint)) paragraphs.push(task.text);
      if (index === 1)
        paragraphs.push(
          `在我们身边，就有这样的例子：${fill(r.pick(bank.achievements), { scope: locale.scope }, r)}，这些成绩凝结着广大党员的心血和汗水。`,
        );
      if (size > 3 && reflections[index]) paragraphs.push(reflections[index] as string);
    });
    paragraphs.push(
      `同志们，${r.pick(['学习的目的全在于运用。', '党性修养没有休止符。', '初心不改，方得始终。'])}希望大家以这次党课为新的起点，${r.pick(['坚持学思用贯通、知信行统一', '把学习成果转化为做好本职工作的强大动力', '在学习中提高、在实践中锤炼'])}，立足岗位、担当作为，以实际行动践行入党誓言。`,
    );
    return paragraphs;
  };
  return { docType: '党课', title, locale, day, topics: relatedTopics(rng, theme.topic), compose };
}

function planArticle(rng: SeededRandom, policies: readonly PolicyDraft[]): ArticlePlan | null {
  const docType = rng.weighted<ArticleDocType>([
    ['新闻', 5],
    ['宣传', 3],
    ['党课', 2],
  ]);
  if (docType === '新闻') {
    const roll = rng.next();
    if (roll < 0.4) return planPolicyNews(rng, policies);
    return roll < 0.65 ? planMeetingNews(rng) : planPracticeNews(rng);
  }
  if (docType === '宣传') return rng.chance(0.5) ? planCommentary(rng, policies) : planProfile(rng);
  return planLecture(rng);
}

export function generateArticles(
  count: number,
  policies: readonly PolicyDraft[],
  rng: SeededRandom,
  usedTitles: Set<string>,
): SeedDocument[] {
  const articles: SeedDocument[] = [];
  let misses = 0;
  while (articles.length < count) {
    const plan = planArticle(rng, policies);
    if (!plan || usedTitles.has(plan.title)) {
      if (++misses > 5000) throw new Error('generateArticles: ran out of distinct article titles');
      continue;
    }
    usedTitles.add(plan.title);
    const primary = plan.topics[0] ?? '党的建设';
    const body = composeWithinLimits(rng, 2, plan.compose, [], fillerFor(primary, plan.locale.scope, rng), rng.int(650, 1800));
    articles.push({
      kind: 'article',
      title: plan.title,
      docNumber: '',
      agency: plan.locale.publisher,
      docType: plan.docType,
      issuedAt: isoDate(plan.day),
      effectiveStatus: 'inForce',
      region: plan.locale.region,
      topics: plan.topics,
      body,
    });
  }
  return articles;
}
