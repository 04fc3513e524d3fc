/**
 * Topic-independent phrase banks: references to Party congresses and
 * campaigns by date, 保障措施 sections, closings, speech and report pieces,
 * and the ingredients of invented disciplinary cases.
 */
import { dayOf } from './calendar';
import type { AgencyLevel, AgencyRole } from './geography';
import type { Task } from './topic-banks';

/** The congress whose spirit a document invokes depends on when it was issued. */
export function congressSpirit(day: number): string {
  if (day < dayOf(2017, 10, 25)) return '党的十八大和十八届历次全会精神';
  if (day < dayOf(2022, 10, 23)) return '党的十九大和十九届历次全会精神';
  return '党的二十大和二十届历次全会精神';
}

export function guidingThought(day: number): string {
  return day < dayOf(2017, 10, 25) ? '深入贯彻党的创新理论' : '坚持以习近平新时代中国特色社会主义思想为指导';
}

/** The Party-wide education campaign running in a given year. */
export function campaignForYear(year: number): string {
  if (year <= 2015) return '“三严三实”专题教育';
  if (year <= 2018) return '“两学一做”学习教育';
  if (year <= 2020) return '“不忘初心、牢记使命”主题教育';
  if (year <= 2022) return '党史学习教育';
  if (year === 2023) return '学习贯彻习近平新时代中国特色社会主义思想主题教育';
  if (year === 2024) return '党纪学习教育';
  if (year === 2025) return '深入贯彻中央八项规定精神学习教育';
  return '党的创新理论学习教育';
}

/** Five-year-plan period a plan issued in a given year belongs to. */
export function fiveYearPlan(year: number): { label: string; from: number; to: number } {
  if (year <= 2019) return { label: '“十三五”', from: 2016, to: 2020 };
  if (year <= 2024) return { label: '“十四五”', from: 2021, to: 2025 };
  return { label: '“十五五”', from: 2026, to: 2030 };
}

/** Who a normative document is addressed to (主送机关). */
export function addressees(level: AgencyLevel, role: AgencyRole): string {
  if (level === 'national') return '各省、自治区、直辖市党委和人民政府，中央和国家机关各部委，各人民团体：';
  if (level === 'county') return '各乡镇党委，县委各部委，县直各单位党组（党委）：';
  if (level === 'city') {
    if (role === 'discipline') return '各县（区）纪委监委，市纪委监委各派驻（出）机构：';
    if (role === 'organisation') return '各县（区）委组织部，市直各单位党组（党委）：';
    return '各县（区）委，市委各部委，市直各单位党组（党委）：';
  }
  switch (role) {
    case 'discipline':
      return '各市纪委监委，省纪委监委各派驻（出）机构，省属企业、高校纪检监察机构：';
    case 'organisation':
      return '各市委组织部，省直各单位党组（党委），省委各工委：';
    case 'propaganda':
      return '各市委宣传部，省直各单位党组（党委）：';
    case 'government':
    case 'governmentOffice':
      return '各市人民政府，省政府各部门、各直属机构：';
    case 'organsWork':
      return '省直各单位机关党委（党总支、党支部）：';
    case 'inspection':
      return '各市委巡察工作领导小组，省直各单位党组（党委）：';
    default:
      return '各市委，省委各部委，省级国家机关各部门党组（党委），各人民团体党组，省属企事业单位党委：';
  }
}

/** 我省 / 我市 / 我县 — how a document refers to its own jurisdiction. */
export function ownJurisdiction(level: AgencyLevel): string {
  switch (level) {
    case 'national':
      return '各地';
    case 'provincial':
      return '我省';
    case 'city':
      return '我市';
    case 'county':
      return '我县';
  }
}

export const PURPOSE_LEADS = ['深入贯彻落实', '认真贯彻落实', '全面贯彻落实', '进一步贯彻落实'] as const;

export const OPENING_AIMS = [
  '着力解决{subject}中存在的突出问题',
  '推动{subject}制度化、规范化、常态化',
  '不断提高{subject}质量和水平',
  '以钉钉子精神抓好{subject}各项任务落实',
  '切实把{subject}各项要求落到实处',
  '推动{subject}再上新台阶',
] as const;

export const TARGETS = [
  '到{year}年，{subject}制度机制更加健全，工作质量明显提升，基层党组织政治功能和组织功能进一步增强。',
  '力争用{span}年左右时间，推动{subject}各项工作全面规范、全面过硬，形成一批可复制可推广的经验做法。',
  '到{year}年，基本形成责任明确、运转顺畅、保障有力的{subject}工作格局。',
  '通过持续努力，推动{subject}由“有形覆盖”向“有效覆盖”转变，党员群众满意度持续提升。',
] as const;

export const GUARANTEES: readonly Task[] = [
  {
    heading: '加强组织领导',
    text: '各级党委（党组）要把{subject}摆上重要议事日程，主要负责同志亲自抓、负总责，分管负责同志具体抓、抓具体，组织部门牵头协调，有关部门各司其职、密切配合，形成工作合力。',
  },
  {
    heading: '强化督促检查',
    text: '把{subject}落实情况纳入党建工作述职评议考核和党建督查的重要内容，采取明察暗访、随机抽查等方式开展督导，对工作推进不力的及时通报、限期整改。',
  },
  {
    heading: '注重宣传引导',
    text: '充分运用报刊、广播电视、网站和新媒体平台，宣传{subject}中的好经验好做法，选树一批先进典型，营造比学赶超、争创一流的浓厚氛围。',
  },
  {
    heading: '强化保障支撑',
    text: '统筹用好党费、财政资金等各类资源，保障{subject}必要的工作经费，加强信息化建设，依托智慧党建平台实现任务派发、过程记录和效果评估全流程管理。',
  },
  {
    heading: '严格责任追究',
    text: '对工作不力、敷衍塞责、弄虚作假的，严肃批评并责令整改；对造成不良影响的，依规依纪追究有关党组织和党员领导干部的责任。',
  },
  {
    heading: '坚持统筹兼顾',
    text: '坚持把{subject}与推进中心工作结合起来，与乡村振兴、基层治理、全面从严治党等重点任务一体谋划、一体推进，防止任务叠加、重复部署，切实为基层减负。',
  },
] as const;

export const PROBLEMS = [
  '一些党组织对{subject}重视程度不够，存在重业务、轻党建的倾向，责任传导层层递减',
  '工作推进不够平衡，部分基层党组织抓落实的措施不够具体，存在“上热中温下冷”现象',
  '制度执行不够严格，有的地方满足于开了会、发了文，存在形式主义、做表面文章的问题',
  '部分基层党务干部能力素质与新形势新任务要求还有差距，创新办法不多',
  '督促检查和考核评价机制还不够健全，考核结果运用不够充分',
  '信息化手段运用不充分，基础台账不够规范，数据质量有待提高',
] as const;

export const NEXT_STEPS = [
  '坚持问题导向，对照年度目标任务查漏补缺，确保各项工作按期完成',
  '健全常态长效机制，把行之有效的经验做法固化为制度规范',
  '加强督促指导，对工作滞后的地方和单位开展专项督导',
  '加强业务培训，提升基层党务干部抓落实的能力水平',
  '强化考核结果运用，推动责任层层压实、任务层层落实',
] as const;

/** Implementation stages of a 方案, with month offsets from the issue date. */
export const STAGES = [
  { name: '动员部署阶段', work: '各地各单位结合实际制定具体方案，召开动员部署会议，明确责任分工和时间节点，广泛开展宣传发动。' },
  { name: '组织实施阶段', work: '按照方案确定的任务清单，逐项推进落实，建立工作台账，实行周调度、月通报，及时研究解决推进中遇到的问题。' },
  { name: '检查验收阶段', work: '对照目标任务开展自查评估，上级党组织采取实地查看、查阅资料、走访群众等方式进行抽查验收。' },
  { name: '总结提升阶段', work: '全面总结工作成效和经验做法，梳理形成制度成果，对表现突出的单位和个人予以通报表扬。' },
] as const;

export const RULE_PRINCIPLES = [
  '坚持党的全面领导，把党的领导贯穿工作全过程和各方面',
  '坚持从严从实，严格标准、严格程序、严格纪律',
  '坚持问题导向，聚焦薄弱环节精准施策',
  '坚持分类指导，注重因地制宜、务实管用',
  '坚持激励和约束并重，发挥考核评价的导向作用',
  '坚持党建引领，推动党建工作与中心工作深度融合',
] as const;

export const SPEECH_OPENINGS = [
  '这次会议的主要任务是，深入贯彻{congress}，总结{period}{subject}工作，分析当前形势，部署下一阶段重点任务。',
  '今天召开这次会议，主要是传达学习上级有关会议精神，回顾总结近年来{subject}工作，对下一步工作作出安排部署。',
  '这次会议是经{superior}研究同意召开的。会议的主要任务是，贯彻落实上级部署要求，交流经验、查找不足，推动{subject}工作再上新台阶。',
] as const;

export const SPEECH_CLOSINGS = [
  '同志们，做好{subject}工作，使命光荣、责任重大。让我们在党中央的坚强领导下，以更加饱满的精神状态、更加务实的工作作风，奋力开创{subject}工作新局面！',
  '同志们，新征程上，{subject}工作任务艰巨繁重。希望大家坚定信心、真抓实干，以优异成绩向党和人民交上一份满意答卷！',
  '同志们，时间不等人，任务不等人。各级党组织和广大党员干部要撸起袖子加油干，确保今年各项目标任务圆满完成！',
] as const;

export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '潘',
] as const;

/** Given names for feature stories; combined with surnames they form invented people. */
export const GIVEN_NAMES = [
  '建华',
  '秀英',
  '志强',
  '海燕',
  '国庆',
  '春梅',
  '立新',
  '红霞',
  '永平',
  '文斌',
  '晓东',
  '桂兰',
  '德明',
  '丽娟',
  '长青',
  '玉珍',
  '正阳',
  '淑芬',
  '明亮',
  '新民',
  '宏伟',
  '雪梅',
  '振华',
  '翠萍',
] as const;

export const COUNTY_BUREAUS = [
  '水利局',
  '自然资源局',
  '住房和城乡建设局',
  '交通运输局',
  '市场监督管理局',
  '卫生健康局',
  '教育局',
  '农业农村局',
  '财政局',
  '人力资源和社会保障局',
  '城市管理局',
  '应急管理局',
  '林业局',
  '医疗保障局',
] as const;

export const PENALTIES = {
  light: ['受到党内警告处分', '受到政务记过处分', '被诫勉谈话', '受到党内警告处分，并被责令作出深刻检查'],
  medium: ['受到党内严重警告处分', '受到党内严重警告、政务记大过处分', '受到党内严重警告处分，并被调整职务'],
  heavy: ['受到撤销党内职务、政务撤职处分', '受到留党察看一年、政务撤职处分', '受到开除党籍处分，涉嫌违法问题移送有关机关依法处理'],
} as const;

export type ViolationCategory =
  | '违规收送礼品礼金'
  | '违规吃喝'
  | '公车私用'
  | '违规发放津贴补贴'
  | '违规操办婚丧喜庆事宜'
  | '违规公款旅游'
  | '违规收受电子红包'
  | '形式主义官僚主义';

/**
 * Case narratives. Slots: {who} full description, {name} short name,
 * {unit} organisation, {y1} {y2} years, {m} month, {amount} 万元, {times} a small count,
 * {penaltyYear} {penaltyMonth}, {penalty}.
 */
export const VIOLATION_CASES: Record<ViolationCategory, readonly string[]> = {
  违规收送礼品礼金: [
    '{who}违规收受礼品礼金问题。{y1}年至{y2}年，{name}先后{times}次收受管理服务对象所送购物卡、烟酒等礼品礼金，折合人民币共计{amount}万元。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违纪所得予以收缴。',
    '{who}违规收受礼品问题。{y2}年春节前后，{name}收受辖区企业负责人赠送的土特产品和高档茶叶，价值共计{amount}万元，且未按规定登记上交。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
  ],
  违规吃喝: [
    '{who}违规接受管理服务对象宴请问题。{y2}年{m}月，{name}在某农家乐接受辖区企业负责人安排的宴请，席间饮用高档白酒，餐费共计{amount}万元由企业支付。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
    '{who}违规公款吃喝问题。{y1}年至{y2}年，{name}多次以召开座谈会、接待检查为名，安排单位在内部食堂违规接待并饮酒，相关费用{amount}万元以会议费名义报销。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违规费用全部退缴。',
  ],
  公车私用: [
    '{who}公车私用问题。{y2}年{m}月，{name}先后{times}次驾驶单位公务用车办理个人事务，产生的燃油费、通行费共计{amount}万元在单位报销。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违规报销费用予以清退。',
    '{who}违规借用管理服务对象车辆问题。{y1}年至{y2}年，{name}长期借用辖区一企业车辆供本人及家属使用，{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
  ],
  违规发放津贴补贴: [
    '{unit}违规发放津贴补贴问题。{y1}年至{y2}年，该单位以加班补助、考核奖励等名义，违规向干部职工发放津贴补贴共计{amount}万元，时任主要负责人{name}负主要领导责任。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违规发放资金全部清退。',
    '{who}违规发放福利问题。{y2}年中秋、国庆期间，{name}决定以采购办公用品名义列支资金{amount}万元，购买购物卡向单位职工发放。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
  ],
  违规操办婚丧喜庆事宜: [
    '{who}违规操办婚丧喜庆事宜问题。{y2}年{m}月，{name}为其子操办婚宴，违规邀请管理服务对象参加，并收受礼金共计{amount}万元。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违规收受礼金予以收缴。',
    '{who}违规操办升学宴问题。{y2}年{m}月，{name}为其女儿操办升学宴，宴请{times}桌，违规收受下属和管理服务对象礼金{amount}万元。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
  ],
  违规公款旅游: [
    '{who}借考察之名变相公款旅游问题。{y2}年{m}月，{name}带领单位{times}名干部以考察学习为名，到外省多个景区参观游览，相关费用{amount}万元由公款支付。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，其他责任人员分别受到相应处理。',
  ],
  违规收受电子红包: [
    '{who}违规收受电子红包问题。{y1}年至{y2}年，{name}通过微信多次收受下属和管理服务对象所发电子红包，共计{amount}万元。{penaltyYear}年{penaltyMonth}月，{name}{penalty}，违纪所得予以收缴。',
  ],
  形式主义官僚主义: [
    '{who}履职不力、搞形式走过场问题。{y2}年，{name}在负责农村危房改造质量核查工作中，未按要求实地核查，仅凭上报材料签字验收，导致{times}户危房改造质量问题未能及时发现整改。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
    '{who}在防汛安全检查中弄虚作假问题。{y2}年汛期前，{name}未按要求开展水库安全隐患排查，编造检查记录应付上级督查。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
    '{who}在惠民资金发放中不担当不作为问题。{y1}年至{y2}年，{name}对群众反映的补贴资金发放滞后问题推诿扯皮、拖延办理，涉及群众{times}户。{penaltyYear}年{penaltyMonth}月，{name}{penalty}。',
  ],
};

/** Believable sums (万元) per kind of misconduct: a dinner is not a slush fund. */
export const VIOLATION_AMOUNTS: Record<ViolationCategory, readonly [number, number]> = {
  违规收送礼品礼金: [0.5, 20],
  违规吃喝: [0.2, 3],
  公车私用: [0.1, 1.2],
  违规发放津贴补贴: [2, 60],
  违规操办婚丧喜庆事宜: [1, 15],
  违规公款旅游: [1, 12],
  违规收受电子红包: [0.3, 6],
  形式主义官僚主义: [0.1, 1],
};

export const VIOLATION_CATEGORY_WEIGHTS: ReadonlyArray<readonly [ViolationCategory, number]> = [
  ['违规收送礼品礼金', 4],
  ['违规吃喝', 4],
  ['公车私用', 2],
  ['违规发放津贴补贴', 2],
  ['违规操办婚丧喜庆事宜', 1.5],
  ['违规公款旅游', 1],
  ['违规收受电子红包', 1.5],
  ['形式主义官僚主义', 2],
];

export const BULLETIN_WARNINGS = [
  '上述问题中，有的无视纪律规矩、顶风违纪，有的心存侥幸、变换花样，有的履职尽责不力、搞形式走过场，反映出一些党员干部纪律意识淡薄，作风建设仍然任重道远。',
  '以上通报的问题，暴露出一些地方和单位管党治党宽松软、主体责任落实不到位，一些党员干部对中央八项规定精神置若罔闻，必须引以为戒。',
  '这些问题虽然发生在少数地方和单位，但影响恶劣，损害了党和政府形象，侵害了群众切身利益，教训十分深刻。',
] as const;

export const BULLETIN_REQUIREMENTS = [
  '各级党组织要切实扛起全面从严治党主体责任，主要负责同志要带头严格执行中央八项规定及其实施细则精神，管好班子、带好队伍。',
  '各级纪检监察机关要坚持严的基调，紧盯重要节点，对顶风违纪问题从严从快查处，对典型问题点名道姓通报曝光，持续释放越往后执纪越严的强烈信号。',
  '要坚持以案促改、以案促治，深入剖析典型案例暴露出的制度漏洞和管理薄弱环节，督促有关单位健全制度、堵塞漏洞。',
  '要把纠治“四风”与整治群众身边不正之风和腐败问题结合起来，持续为基层减负，让群众切实感受到作风建设的新气象新成效。',
  '广大党员干部要从通报的案例中汲取深刻教训，严守纪律规矩，自觉抵制不正之风，坚决防止“四风”问题反弹回潮。',
] as const;

/** Extra sentences that deepen a task item in longer documents. */
export const ELABORATIONS = [
  '要建立工作台账，明确责任单位、责任人和完成时限，实行挂图作战、对账销号。',
  '要注重分类指导，针对不同领域、不同类型党组织的特点，制定务实管用的具体措施。',
  '要加强典型引路，及时总结推广基层创造的好经验好做法，以点带面推动整体提升。',
  '要用好智慧党建平台，推动{subjectWork}线上线下融合，提高工作效率和精准度。',
  '要坚持问题导向，对排查发现的问题建立清单、逐项整改，做到问题不解决不放过。',
  '要加强跟踪问效，定期开展“回头看”，防止问题反弹回潮。',
  '要把{subjectWork}情况纳入年度党建考核，考核结果与评先评优挂钩。',
  '要注重发挥党员先锋模范作用，引导党员在{subjectWork}中亮身份、作表率。',
  '要加强与相关部门的沟通协调，形成上下联动、部门协同的工作格局。',
  '要坚决防止形式主义，不搞层层加码，不增加基层负担。',
  '要尊重基层首创精神，鼓励各地因地制宜探索创新，形成各具特色的工作品牌。',
  '要广泛听取党员群众意见，把群众满意不满意作为衡量工作成效的重要标准。',
] as const;

/** Rule-style provisions that fit any subject, for longer 办法/规定/细则. */
export const GENERIC_CLAUSES = [
  '各级党组织应当建立{subjectWork}工作台账，如实记录工作开展情况，相关资料按照规定归档保存。',
  '各级党组织应当依托智慧党建平台开展{subjectWork}，实现任务派发、过程记录、结果反馈全程留痕。',
  '各级党组织每年应当对{subjectWork}情况进行分析研判，并向上级党组织书面报告。',
  '对在{subjectWork}中成绩突出的党组织和个人，按照有关规定予以表扬。',
  '开展{subjectWork}所需经费，按照规定从党费、财政预算等渠道予以保障。',
  '上级党组织应当加强对下级党组织开展{subjectWork}的业务指导和培训，每年至少组织一次专题培训。',
  '有关部门应当加强信息共享和工作协同，为{subjectWork}提供必要支持。',
  '各级党组织应当畅通党员群众监督渠道，对反映{subjectWork}中存在的问题及时核实处理。',
] as const;
