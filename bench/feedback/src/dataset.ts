/**
 * The benchmark's province and its messages. The tree (a province, its cities, counties, street
 * general branches and community branches) and the leader posts messages are written to; then
 * every message is taken through the service's own workflow functions (services/feedback/src/
 * domain) at the instants a seeded random plan gives its steps, on the real working-day
 * calendar, with the deadline ticker's checks applied at the moments the ticker would have
 * applied them. What comes out is the message as the service would hold it at the end.
 */
import { randomUUID } from 'node:crypto';
import { addDays, provinceDate, provinceDayStart, type WorkingDays } from '@repo/calendar';
import type { DeadlinePolicy } from '../../../services/feedback/src/domain/deadlines';
import { dueChecks, nextCheckAt } from '../../../services/feedback/src/domain/escalation';
import {
  contactKeyOf,
  newTrackingCode,
  validateDraft,
  type FeedbackMessage,
  type MessageType,
  type ReturnReason,
  type Satisfaction,
} from '../../../services/feedback/src/domain/message';
import type { Organization, OrganizationLevel } from '../../../services/feedback/src/domain/organizations';
import * as workflow from '../../../services/feedback/src/domain/workflow';
import type { Actor, StepContext, Transition } from '../../../services/feedback/src/domain/workflow';

/** mulberry32: a small seeded stream, so a run can be repeated. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const chance = (random: Random, p: number) => random() < p;
/** A value of `weights` ([value, weight][]) by weight. */
function weighted<T>(random: Random, weights: readonly (readonly [T, number])[]): T {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of weights) if ((r -= w) < 0) return value;
  return weights[weights.length - 1]![0];
}

export interface TreeNode extends Organization {
  kind: OrganizationLevel;
  city: string;
}

export interface LeaderPostPlan {
  organizationId: string;
  title: string;
  holderName: string;
  /** Filled in once the post is created through REST. */
  id?: string;
}

export interface Province {
  province: TreeNode;
  cities: TreeNode[];
  counties: TreeNode[];
  streets: TreeNode[];
  branches: TreeNode[];
  all: TreeNode[];
  posts: LeaderPostPlan[];
  byId: Map<string, TreeNode>;
  childrenOf: Map<string, TreeNode[]>;
}

const cityNames = [
  '江川',
  '临河',
  '东山',
  '青溪',
  '云岭',
  '白沙',
  '龙泉',
  '石门',
  '清源',
  '南屏',
  '北湖',
  '红岩',
  '金川',
  '玉屏',
  '安平',
  '长乐',
];
const countyPrefixes = ['城关', '河西', '滨湖', '新华', '柳林', '桂山', '平阳', '永安', '兴隆', '丰乐', '凤凰', '太和'];
const streetNames = ['和平', '幸福', '建设', '文化', '花园', '中心', '朝阳', '东风', '胜利', '团结'];
const communityNames = ['阳光', '金桥', '翠苑', '锦绣', '春晖', '丽景', '枫林', '荷塘', '紫荆', '绿洲', '梧桐', '新苑'];
const roads = ['滨江路', '人民路', '解放路', '建设路', '中山路', '文化路', '新华路', '朝阳路', '长江路', '湖滨路', '学府路', '工业大道'];
const villages = ['李家', '王家', '杨柳', '桃园', '石桥', '高岭', '河湾', '新庄', '松林', '柏树'];
const surnames = ['张', '王', '李', '刘', '陈', '杨', '黄', '赵', '周', '吴'];
const givenNames = ['伟', '芳', '敏', '静', '强', '磊', '洋', '勇', '军', '杰'];

/** A province of `cities` cities, each with `counties` counties of `streets` streets of `branches` community branches. */
export function buildProvince(shape: { cities: number; counties: number; streets: number; branches: number }, random: Random): Province {
  const all: TreeNode[] = [];
  const add = (parent: TreeNode | undefined, name: string, kind: OrganizationLevel, city: string): TreeNode => {
    const id = randomUUID();
    const n: TreeNode = {
      id,
      name,
      level: kind,
      kind,
      parentId: parent?.id ?? '',
      path: `${parent?.path ?? '/'}${id}/`,
      deleted: false,
      city,
    };
    all.push(n);
    return n;
  };
  const province = add(undefined, '中共江川省委', 'committee', '');
  const cities: TreeNode[] = [];
  const counties: TreeNode[] = [];
  const streets: TreeNode[] = [];
  const branches: TreeNode[] = [];
  const posts: LeaderPostPlan[] = [];
  const holder = () => `${pick(random, surnames)}${pick(random, givenNames)}${chance(random, 0.5) ? pick(random, givenNames) : ''}`;
  for (let c = 0; c < shape.cities; c++) {
    const cityName = cityNames[c % cityNames.length]! + (c >= cityNames.length ? String(c) : '');
    const city = add(province, `中共${cityName}市委`, 'committee', cityName);
    cities.push(city);
    posts.push(
      { organizationId: city.id, title: '市委书记', holderName: holder() },
      { organizationId: city.id, title: '市长', holderName: holder() },
    );
    for (let k = 0; k < shape.counties; k++) {
      const county = add(
        city,
        `中共${cityName}${countyPrefixes[k % countyPrefixes.length]}${k % 2 ? '区' : '县'}委`,
        'committee',
        cityName,
      );
      counties.push(county);
      posts.push({ organizationId: county.id, title: k % 2 ? '区委书记' : '县委书记', holderName: holder() });
      for (let s = 0; s < shape.streets; s++) {
        const street = add(county, `${streetNames[s % streetNames.length]}街道党总支`, 'generalBranch', cityName);
        streets.push(street);
        for (let b = 0; b < shape.branches; b++) {
          branches.push(add(street, `${communityNames[(s * shape.branches + b) % communityNames.length]}社区党支部`, 'branch', cityName));
        }
      }
    }
  }
  const byId = new Map(all.map((n) => [n.id, n]));
  const childrenOf = new Map<string, TreeNode[]>();
  for (const n of all) if (n.parentId) (childrenOf.get(n.parentId) ?? childrenOf.set(n.parentId, []).get(n.parentId)!).push(n);
  return { province, cities, counties, streets, branches, all, posts, byId, childrenOf };
}

// What people write about -------------------------------------------------------------------

interface Topic {
  domain: string;
  type: MessageType;
  subject: string;
  detail: string;
  action: string;
}

const topics: Topic[] = [
  {
    domain: '城建',
    type: 'complaint',
    subject: '{road}路灯不亮已有半个月',
    detail: '{road}{community}段路灯晚上全部不亮，行人和电动车经常磕碰。',
    action: '已安排市政维修人员更换损坏灯具，路灯已恢复照明',
  },
  {
    domain: '城建',
    type: 'help',
    subject: '{community}小区门口道路积水严重',
    detail: '每逢下雨{community}小区门口积水没过脚踝，老人孩子出行困难，请尽快修缮排水设施。',
    action: '已疏通排水管网并增设雨水井',
  },
  {
    domain: '城建',
    type: 'suggestion',
    subject: '建议{road}人行道增设无障碍坡道',
    detail: '{road}人行道多处台阶过高，轮椅和婴儿车通行不便，建议改造。',
    action: '已将无障碍改造列入年度计划',
  },
  {
    domain: '城建',
    type: 'complaint',
    subject: '{road}夜间施工噪音扰民',
    detail: '{road}工地每晚十一点后仍在施工，严重影响周边居民休息。',
    action: '已责令施工单位停止夜间施工并依法处罚',
  },
  {
    domain: '交通',
    type: 'suggestion',
    subject: '{road}与{road2}路口红绿灯时间太短',
    detail: '{road}与{road2}交叉口行人绿灯只有十几秒，老年人来不及通过。',
    action: '交警部门已将行人绿灯延长至35秒',
  },
  {
    domain: '交通',
    type: 'help',
    subject: '{county}至市区的公交线路停运',
    detail: '原有公交线路停运后，{village}村群众进城只能步行到镇上乘车。',
    action: '公交公司已恢复该线路并调整发车间隔',
  },
  {
    domain: '交通',
    type: 'complaint',
    subject: '{community}违章停车堵塞消防通道',
    detail: '{community}小区消防通道长期被私家车占用，存在安全隐患。',
    action: '已联合物业清理占道车辆并设置禁停标识',
  },
  {
    domain: '三农',
    type: 'help',
    subject: '{village}村灌溉水渠年久失修',
    detail: '{village}村水渠多处垮塌，春耕用水困难，请帮助协调维修资金。',
    action: '已安排农田水利资金修复水渠',
  },
  {
    domain: '三农',
    type: 'complaint',
    subject: '{village}村土地流转费用拖欠',
    detail: '{village}村土地流转费用已拖欠两年，多次找村委会未解决。',
    action: '经调查已督促流转企业结清欠款',
  },
  {
    domain: '三农',
    type: 'consultation',
    subject: '惠农补贴发放标准咨询',
    detail: '请问今年耕地地力保护补贴的发放标准和时间是什么？',
    action: '补贴标准已在政府网站公开，预计本月内发放到户',
  },
  {
    domain: '环保',
    type: 'complaint',
    subject: '{road}附近工厂夜间排放异味',
    detail: '{road}附近工厂每到夜间排放刺鼻气味，居民不敢开窗。',
    action: '生态环境部门已现场检查并责令企业整改',
  },
  {
    domain: '环保',
    type: 'complaint',
    subject: '{community}餐饮油烟扰民',
    detail: '{community}楼下餐馆油烟直排，整栋楼都是油烟味。',
    action: '已督促商户安装油烟净化设备',
  },
  {
    domain: '环保',
    type: 'suggestion',
    subject: '{village}村河道垃圾堆积',
    detail: '{village}村河道两岸垃圾堆积，夏天气味难闻，建议定期清理。',
    action: '已纳入河长制日常保洁范围',
  },
  {
    domain: '教育',
    type: 'consultation',
    subject: '{community}片区小学入学划片咨询',
    detail: '孩子明年上小学，{community}片区对应哪所学校？需要准备哪些材料？',
    action: '已告知划片范围和报名材料清单',
  },
  {
    domain: '教育',
    type: 'complaint',
    subject: '课后服务收费问题',
    detail: '学校课后服务收费与公示标准不一致，请核查。',
    action: '教育局已核查并要求学校按标准收费、退还多收费用',
  },
  {
    domain: '就业',
    type: 'help',
    subject: '工地拖欠农民工工资',
    detail: '{road}项目工地拖欠我们二十多名农民工工资三个月，讨要无果。',
    action: '人社部门已立案调查，工资已于本周足额发放',
  },
  {
    domain: '就业',
    type: 'consultation',
    subject: '灵活就业人员社保补贴申领咨询',
    detail: '灵活就业人员社保补贴需要什么条件？在哪里办理？',
    action: '已告知申领条件和办理窗口',
  },
  {
    domain: '医疗',
    type: 'complaint',
    subject: '{county}人民医院挂号难',
    detail: '{county}人民医院专家号一号难求，网上挂号总是约满。',
    action: '医院已增加专家门诊号源并开放夜间门诊',
  },
  {
    domain: '医疗',
    type: 'consultation',
    subject: '异地就医医保报销流程咨询',
    detail: '在外地住院的医保费用如何报销？需要提前备案吗？',
    action: '已告知异地就医备案和直接结算流程',
  },
  {
    domain: '社保',
    type: 'consultation',
    subject: '养老保险转移接续办理咨询',
    detail: '从外省回来工作，养老保险关系怎么转移接续？',
    action: '已告知线上转移接续办理方式',
  },
  {
    domain: '住房',
    type: 'complaint',
    subject: '{community}小区电梯长期故障',
    detail: '{community}小区电梯故障两个月无人维修，高层老人下不了楼。',
    action: '已督促物业更换电梯主板，电梯已恢复运行',
  },
  {
    domain: '住房',
    type: 'complaint',
    subject: '{community}小区物业不作为',
    detail: '{community}小区物业对垃圾清运、绿化养护长期不管，业主意见很大。',
    action: '住建部门已约谈物业公司并限期整改',
  },
  {
    domain: '治安',
    type: 'help',
    subject: '{community}小区电动车被盗',
    detail: '{community}小区近一个月多辆电动车被盗，希望加强巡逻。',
    action: '派出所已加强夜间巡逻并在小区加装监控',
  },
  {
    domain: '党建',
    type: 'suggestion',
    subject: '{village}村党务公开不及时',
    detail: '{village}村党务村务公开栏半年没有更新，希望纪律检查委员会监督。',
    action: '镇纪委已督促村党支部按月公开党务村务',
  },
  {
    domain: '党建',
    type: 'complaint',
    subject: '反映{village}村干部优亲厚友问题',
    detail: '{village}村低保评定存在优亲厚友现象，请纪委调查。',
    action: '经纪委调查核实，已取消不符合条件人员的低保资格',
  },
  {
    domain: '其他',
    type: 'thanks',
    subject: '感谢{county}政务服务中心热情服务',
    detail: '在{county}政务服务中心办理业务时工作人员耐心细致，特此致谢。',
    action: '感谢您的肯定，我们将继续提升服务水平',
  },
];

const moods = ['', '多次反映未果，恳请领导重视。', '希望有关部门尽快处理。', '附近群众意见很大。', '盼复！', '谢谢！'];

function fill(template: string, p: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => p[key] ?? '');
}

// The plan of one message ---------------------------------------------------------------------

/** How the month went: most messages answered in time, a few late or not at all. */
export type Profile = 'month' | 'open';

const hour = 3_600_000;

/** A working instant `wd` working days after `from` (0: later the same working day), between 9:00 and 17:59. */
function workingInstant(calendar: WorkingDays, random: Random, from: Date, wd: number): Date {
  let day = calendar.addWorkingDays(provinceDate(from), wd);
  if (!calendar.isWorkingDay(day)) day = calendar.addWorkingDays(day, 1);
  const start = provinceDayStart(day).getTime();
  let at = start + (9 + Math.floor(random() * 9)) * hour + Math.floor(random() * 60) * 60_000;
  if (at <= from.getTime()) at = from.getTime() + (5 + Math.floor(random() * 90)) * 60_000;
  return new Date(at);
}

export interface SimulationContext {
  calendar: WorkingDays;
  policy: DeadlinePolicy;
  province: Province;
  random: Random;
  /** The end of the simulated time: no step after it. */
  end: Date;
  profile: Profile;
  /** A message of the same recipient to merge a duplicate into, by recipient organisation. */
  threads: Map<string, string>;
}

const staffOf = (n: TreeNode): Actor => ({
  userId: `staff-${n.id.slice(0, 8)}`,
  organizationId: n.id,
  organizationName: n.name,
  path: n.path,
});

/** Where a message goes and who ends up handling it. */
function route(ctx: SimulationContext): { recipient: TreeNode; leaderPost: LeaderPostPlan | undefined; handlers: TreeNode[] } {
  const { province, random } = ctx;
  const city = pick(random, province.cities);
  const counties = province.childrenOf.get(city.id)!;
  const county = pick(random, counties);
  const streets = province.childrenOf.get(county.id)!;
  const street = pick(random, streets);
  const branch = pick(random, province.childrenOf.get(street.id)!);
  const postsAt = (n: TreeNode) => province.posts.filter((p) => p.organizationId === n.id);
  const to = weighted(random, [
    ['cityPost', 30],
    ['city', 8],
    ['countyPost', 30],
    ['county', 20],
    ['street', 6],
    ['branch', 6],
  ] as const);
  // Who handles it in the end: the recipient or an organisation it assigns it to, down the tree.
  switch (to) {
    case 'cityPost':
    case 'city': {
      const handler = weighted(random, [
        [[], 20],
        [[county], 50],
        [[county, street], 15],
        [[county, branch], 15],
      ] as const);
      return { recipient: city, leaderPost: to === 'cityPost' ? pick(random, postsAt(city)) : undefined, handlers: [...handler] };
    }
    case 'countyPost':
    case 'county': {
      const handler = weighted(random, [
        [[], 40],
        [[street], 35],
        [[branch], 25],
      ] as const);
      return { recipient: county, leaderPost: to === 'countyPost' ? pick(random, postsAt(county)) : undefined, handlers: [...handler] };
    }
    case 'street':
      return { recipient: street, leaderPost: undefined, handlers: chance(random, 0.4) ? [branch] : [] };
    default:
      return { recipient: branch, leaderPost: undefined, handlers: [] };
  }
}

/** A step at `at`, after the ticker's checks due by then; a step the rules refuse is left out. */
class Life {
  message: FeedbackMessage;

  constructor(
    private readonly ctx: SimulationContext,
    first: Transition,
  ) {
    this.message = first.next;
  }

  private context(at: Date, actor: Actor): StepContext {
    return { now: at, calendar: this.ctx.calendar, policy: this.ctx.policy, actor };
  }

  /** The ticker's checks up to `until`, each at the time the ticker would have made it. */
  catchUp(until: Date): void {
    for (let guard = 0; guard < 20; guard++) {
      const check = nextCheckAt(this.message, new Date(0));
      if (!check || Date.parse(check) > until.getTime()) return;
      // The ticker runs every minute: it acts within a minute of the check's time.
      const at = new Date(Date.parse(check) + 30_000);
      if (at > until) return;
      const due = dueChecks(this.message, this.context(at, workflow.systemActor));
      if (!due) return;
      this.message = { ...due.next, revision: this.message.revision + 1 };
    }
  }

  /** Takes a step at `at` (false when it falls after the end or the rules refuse it). */
  take(at: Date, actor: Actor, step: (m: FeedbackMessage, c: StepContext) => Transition): boolean {
    if (at > this.ctx.end) return false;
    this.catchUp(at);
    try {
      const t = step(this.message, this.context(at, actor));
      this.message = { ...t.next, revision: this.message.revision + 1 };
      return true;
    } catch {
      return false;
    }
  }
}

const satisfaction: readonly (readonly [Satisfaction, number])[] = [
  ['verySatisfied', 45],
  ['satisfied', 30],
  ['basicallySatisfied', 12],
  ['dissatisfied', 9],
  ['veryDissatisfied', 4],
];
const starsFor: Record<Satisfaction, [number, number]> = {
  verySatisfied: [5, 5],
  satisfied: [4, 5],
  basicallySatisfied: [3, 4],
  dissatisfied: [2, 3],
  veryDissatisfied: [1, 2],
};
const returnReasons: readonly (readonly [ReturnReason, number])[] = [
  ['abusive', 2],
  ['duplicate', 3],
  ['outsideScope', 3],
  ['petition', 1],
  ['court', 1],
];

export interface SimulatedMessage {
  message: FeedbackMessage;
  /** The city whose subtree handles it (for the run's own count of the statistics). */
  city: string;
}

/** One message written at `submittedAt`, through the workflow up to the end of the simulated time. */
export function simulate(ctx: SimulationContext, submittedAt: Date, serial: number): SimulatedMessage {
  const { random, calendar } = ctx;
  const topic = pick(random, topics);
  const { recipient, leaderPost, handlers } = route(ctx);
  const places = {
    road: pick(random, roads),
    road2: pick(random, roads),
    community: `${pick(random, communityNames)}小区`,
    village: pick(random, villages),
    county: recipient.name.replace(/^中共/, '').replace(/委$/, ''),
  };
  const subject = fill(topic.subject, places);
  const body = `${fill(topic.detail, places)}${pick(random, moods)}`;
  const contact = `13${String(serial).padStart(9, '0')}`.slice(0, 11);
  const draft = validateDraft(
    {
      type: topic.type,
      domain: topic.domain,
      organizationId: leaderPost ? '' : recipient.id,
      leaderPostId: leaderPost?.id ?? '',
      subject,
      body,
      region: `江川省${recipient.city}市`,
      contact,
      contactName: '',
    },
    [topic.domain],
  );
  const held = chance(random, 0.01);
  const life = new Life(
    ctx,
    workflow.submit(
      {
        id: randomUUID(),
        trackingCode: newTrackingCode(),
        draft,
        recipient: {
          organizationId: recipient.id,
          organizationName: recipient.name,
          leaderPostId: leaderPost?.id ?? '',
          leaderPostTitle: leaderPost?.title ?? '',
        },
        orgPath: recipient.path,
        contactKey: contactKeyOf(contact),
        writerUserId: '',
        screenHits: held ? ['（基准数据）'] : [],
        duplicateCandidates: [],
      },
      { now: submittedAt, calendar, policy: ctx.policy, actor: workflow.writerActor },
    ),
  );
  const done = (): SimulatedMessage => {
    life.catchUp(ctx.end);
    const handler = life.message.assignment?.organizationId ?? life.message.recipient.organizationId;
    return { message: life.message, city: ctx.province.byId.get(handler)?.city ?? recipient.city };
  };
  const open = ctx.profile === 'open';
  const recipientStaff = staffOf(recipient);
  let t = submittedAt;
  if (held) {
    t = workingInstant(calendar, random, t, 0);
    if (!life.take(t, recipientStaff, (m, c) => workflow.release(m, c, '经审核可以受理'))) return done();
  }
  // 签收: mostly within the working day; some late.
  t = workingInstant(
    calendar,
    random,
    t,
    weighted(random, [
      [0, 55],
      [1, 38],
      [2, 5],
      [3, 2],
    ] as const),
  );
  if (!open && chance(random, 0.04)) {
    life.take(t, recipientStaff, (m, c) => workflow.returnMessage(m, c, weighted(random, returnReasons), '不属于受理范围，请按说明办理'));
    return done();
  }
  const thread = ctx.threads.get(recipient.id);
  if (!open && thread && chance(random, 0.02)) {
    // 并单 into an earlier message of the same recipient.
    life.take(t, recipientStaff, (m, c) => workflow.merge(m, c, { ...m, id: thread, status: 'accepted', mergedInto: '' }, '同一事项'));
    return done();
  }
  if (!life.take(t, recipientStaff, (m, c) => workflow.accept(m, c, ''))) return done();
  ctx.threads.set(recipient.id, life.message.id);
  // Each handler in turn passes it down (转办); a dispute is answered by whoever assigned it.
  let handler = recipient;
  let assigner = recipient;
  for (const next of handlers) {
    t = new Date(t.getTime() + (10 + Math.floor(random() * 240)) * 60_000);
    if (!life.take(t, staffOf(handler), (m, c) => workflow.assign(m, c, next, '请认真办理并按时答复'))) return done();
    assigner = handler;
    handler = next;
    if (chance(random, 0.03)) {
      t = new Date(t.getTime() + (1 + Math.floor(random() * 20)) * hour);
      if (life.take(t, staffOf(handler), (m, c) => workflow.dispute(m, c, '该事项不属于本单位职责'))) {
        t = new Date(t.getTime() + (1 + Math.floor(random() * 6)) * hour);
        life.take(t, staffOf(assigner), (m, c) => workflow.answerDispute(m, c, undefined, '经核实属于你单位职责，请办理'));
      }
    }
  }
  const handlerStaff = staffOf(handler);
  const extended = chance(random, 0.06);
  if (extended) {
    t = workingInstant(calendar, random, t, 2 + Math.floor(random() * 3));
    life.take(t, handlerStaff, (m, c) => workflow.extend(m, c, 3 + Math.floor(random() * 4), '需协调多个部门现场核查'));
  }
  // 答复: working days after acceptance; the open profile answers only what its writer will
  // not have rated or left unrated by the end (a backlog month).
  const replyDays = weighted(random, [
    [1, 15],
    [2, 20],
    [3, 20],
    [4, 12],
    [5, 10],
    [6, 8],
    [7, 6],
    [9, 4],
    [12, 3],
    [-1, 2],
  ] as const);
  if (replyDays < 0) return done();
  let replyAt = workingInstant(calendar, random, t, replyDays);
  if (open) {
    // A week back: the writer's seven working days to rate have not run out by the end.
    const earliest = new Date(ctx.end.getTime() - 7 * 24 * hour);
    if (replyAt < earliest) {
      // Slow to answer: most are answered in the last days, the rest are still waiting.
      if (chance(random, 0.35)) return done();
      replyAt = new Date(earliest.getTime() + random() * (ctx.end.getTime() - earliest.getTime()));
    }
  }
  if (
    !life.take(replyAt, handlerStaff, (m, c) =>
      workflow.reply(m, c, `您好！您反映的“${subject}”已收悉。经${handler.name}核实，${topic.action}。感谢您的监督。`),
    )
  )
    return done();
  // 评价: most writers rate within the window; the open profile's writers only rate when unhappy.
  const overall = weighted(random, satisfaction);
  const unhappy = overall === 'dissatisfied' || overall === 'veryDissatisfied';
  if (open ? !unhappy || chance(random, 0.5) : chance(random, 0.4)) return done();
  const [attitude, speed] = starsFor[overall];
  const ratedAt = workingInstant(calendar, random, replyAt, Math.floor(random() * 5));
  if (
    !life.take(ratedAt, workflow.writerActor, (m, c) =>
      workflow.rate(m, c, { attitude, speed: speed - (chance(random, 0.3) ? 1 : 0), overall, comment: '' }),
    )
  )
    return done();
  if (!unhappy) return done();
  // 整改 and 回访.
  if (open || chance(random, 0.1)) return done();
  const rectifiedAt = workingInstant(calendar, random, ratedAt, 2 + Math.floor(random() * 14));
  if (!life.take(rectifiedAt, handlerStaff, (m, c) => workflow.rectify(m, c, '已组织整改并向群众反馈'))) return done();
  if (chance(random, 0.08)) return done();
  const revisitedAt = workingInstant(calendar, random, rectifiedAt, 1 + Math.floor(random() * 3));
  life.take(revisitedAt, recipientStaff, (m, c) =>
    workflow.revisit(
      m,
      c,
      weighted(random, [
        ['resolved', 80],
        ['unresolved', 15],
        ['unreachable', 5],
      ] as const),
      '电话回访',
    ),
  );
  return done();
}

/** Submission instants of one day: `count` messages, more by day than by night. */
export function submissionTimes(day: string, count: number, random: Random): Date[] {
  const weights = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 8, 9, 9, 8, 7, 6, 6, 6, 5, 3, 2];
  const total = weights.reduce((s, w) => s + w, 0);
  const start = provinceDayStart(day).getTime();
  const times: Date[] = [];
  for (let i = 0; i < count; i++) {
    let r = random() * total;
    let h = 0;
    while ((r -= weights[h]!) >= 0) h++;
    times.push(new Date(start + h * hour + Math.floor(random() * hour)));
  }
  return times.sort((a, b) => a.getTime() - b.getTime());
}

export const daysOf = (first: string, count: number) => Array.from({ length: count }, (_, i) => addDays(first, i));
