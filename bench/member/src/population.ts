/**
 * The benchmark's province: names of the committees and branches, and the members, as CSV files
 * with the Chinese headers the import reads (services/member/src/domain/import.ts). Everything is
 * generated from a seeded random stream, so two runs of the same size import the same people.
 *
 * Members: varied names (common surnames weighted, one- or two-character given names), 30 %
 * women (about the Party's share), birth dates 1950-2002, mostly 汉族, an education mix that
 * shifts with age, a phone for most, and stages mostly 正式党员 with every key date the stage
 * requires (requiredKeyDates in services/member/src/domain/profile.ts), in order, the
 * application on or after the 18th birthday, nothing in the future. National ID numbers are
 * synthetic and checksum-valid (test fixture `syntheticId`): region code of the member's city,
 * birth date, random sequence and a gender digit of the right parity, unique over the run.
 */
import { syntheticId } from '../../../services/member/test/fixtures/national-ids';

/** mulberry32: small, fast, good enough to vary test data; the same seed gives the same stream. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of entries) {
    r -= weight;
    if (r < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

// ---- The tree -------------------------------------------------------------------------------------

export const provinceName = '中共江川省委员会';
const cityNames = [
  '青石',
  '云溪',
  '临江',
  '白沙',
  '枫桥',
  '石门',
  '柳河',
  '桃源',
  '清泉',
  '望海',
  '金川',
  '东湖',
  '南屏',
  '西岭',
  '北塘',
  '安宁',
  '永丰',
  '长乐',
  '新河',
  '玉山',
];
const units = [
  '教育局机关',
  '卫生健康委机关',
  '人民医院',
  '第一中学',
  '财政局机关',
  '公安局',
  '税务局',
  '供电公司',
  '自来水公司',
  '城建集团',
  '交通运输局',
  '农业农村局',
  '市场监管局',
  '人社局',
  '民政局',
  '文化旅游局',
  '科技局',
  '应急管理局',
  '生态环境局',
  '统计局',
  '城关街道',
  '工业园区管委会',
  '高新区管委会',
  '职业技术学院',
  '中心医院',
];
const ordinals = ['第一', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九', '第十'];

export function cityName(i: number): string {
  const base = cityNames[i % cityNames.length]!;
  return `中共江川省${base}市委员会${i >= cityNames.length ? `（${Math.floor(i / cityNames.length) + 1}）` : ''}`;
}

/** Branch `j` of city `i`: 青石市人民医院第二党支部. Unique within the city. */
export function branchName(i: number, j: number): string {
  const city = cityNames[i % cityNames.length]!;
  const unit = units[j % units.length]!;
  const n = Math.floor(j / units.length);
  const ordinal = ordinals[n] ?? `第${n + 1}`;
  return `${city}市${unit}${ordinal}党支部`;
}

/** 6-digit region code of a city (江川省 borrows province code 36): 36 + city + district. */
export function regionCode(city: number, random: Random): string {
  return `36${String((city % 90) + 1).padStart(2, '0')}${String(int(random, 1, 9)).padStart(2, '0')}`;
}

// ---- People ---------------------------------------------------------------------------------------

const surnames: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 71],
  ['张', 68],
  ['刘', 53],
  ['陈', 46],
  ['杨', 33],
  ['黄', 25],
  ['赵', 23],
  ['吴', 21],
  ['周', 21],
  ['徐', 17],
  ['孙', 16],
  ['马', 16],
  ['朱', 15],
  ['胡', 14],
  ['郭', 13],
  ['何', 12],
  ['高', 12],
  ['林', 12],
  ['罗', 11],
  ['郑', 11],
  ['梁', 10],
  ['谢', 8],
  ['宋', 7],
  ['唐', 7],
  ['许', 7],
  ['韩', 7],
  ['冯', 7],
  ['邓', 7],
  ['曹', 6],
  ['彭', 6],
  ['曾', 6],
  ['肖', 6],
  ['田', 5],
  ['董', 5],
  ['袁', 5],
  ['潘', 5],
  ['于', 5],
  ['蒋', 5],
  ['蔡', 5],
  ['余', 4],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 4],
  ['魏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['沈', 3],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['金', 3],
  ['欧阳', 1],
  ['司马', 0.3],
  ['上官', 0.3],
];
const givenCommon =
  '文明华建国军平志伟海林永春光玉德新晓东红丽英秀云芳杰涛斌宇鹏飞俊亮磊峰刚勇强辉波超立成佳嘉子思雨欣然一心家和安宁振兴学正';
const givenMale = '国庆卫民建军志刚长江振华伟东宏伟德胜振国俊杰浩然子轩博文明辉鹏程天佑';
const givenFemale = '秀英桂芳丽娟玉兰海燕春梅晓红雪梅静怡欣怡雨涵诗琪婷婷梦瑶慧敏雅琴淑珍';

function givenName(random: Random, gender: 'male' | 'female'): string {
  const pool = random() < 0.5 ? givenCommon : gender === 'male' ? givenMale : givenFemale;
  const one = () => pool[Math.floor(random() * pool.length)]!;
  return random() < 0.25 ? one() : `${one()}${one()}`;
}

const minorities = [
  '壮族',
  '回族',
  '满族',
  '维吾尔族',
  '苗族',
  '彝族',
  '土家族',
  '藏族',
  '蒙古族',
  '侗族',
  '布依族',
  '瑶族',
  '白族',
  '朝鲜族',
  '畲族',
];
const educationLabels = ['初中', '高中', '中专', '大专', '本科', '硕士研究生', '博士研究生'] as const;

function education(random: Random, birthYear: number): string {
  // Older members went to school when fewer went to university.
  const weights =
    birthYear < 1965 ? [18, 26, 16, 20, 17, 2.5, 0.5] : birthYear < 1980 ? [5, 12, 10, 25, 38, 8, 2] : [1, 4, 5, 20, 52, 15, 3];
  return weighted(
    random,
    educationLabels.map((label, i) => [label, weights[i]!] as const),
  );
}

export const stageLabel = {
  applicant: '入党申请人',
  activist: '入党积极分子',
  candidate: '发展对象',
  probationary: '预备党员',
  full: '正式党员',
} as const;
export type Stage = keyof typeof stageLabel;
/** Shares of each stage on a branch roll. */
const stageWeights: readonly (readonly [Stage, number])[] = [
  ['full', 88],
  ['probationary', 6],
  ['candidate', 2],
  ['activist', 2.5],
  ['applicant', 1.5],
];
/** Stages that pay dues (services/member/src/grpc/dues.ts duesPayingStages). */
export const duesPayingStages: readonly Stage[] = ['probationary', 'full'];

// ---- Dates (day numbers since 1970-01-01, UTC) ----------------------------------------------------

const dayMs = 86_400_000;
const toDay = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / dayMs);
const toIso = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10);
function addMonthsIso(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
const addYearsIso = (iso: string, years: number) => addMonthsIso(iso, years * 12);

/** Today in China (UTC+8), the platform's calendar. */
export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const keyDateColumns = ['申请入党日期', '确定积极分子日期', '确定发展对象日期', '接收预备党员日期', '转正日期'] as const;
const stageOrder: readonly Stage[] = ['applicant', 'activist', 'candidate', 'probationary', 'full'];

/**
 * Key dates of a member at `stage`, oldest first (one per stage reached): activist 3-9 months
 * after applying, candidate 12-20 months later (at least the year as activist), probationary
 * 2-6 months later, full membership one year after that. Members not yet full reached their
 * stage in the last year; full members applied between 18 and 40.
 */
function keyDates(random: Random, stage: Stage, birth: string, today: string): string[] | undefined {
  const reached = stageOrder.indexOf(stage) + 1;
  const gaps = [0, int(random, 3, 9), int(random, 12, 20), int(random, 2, 6), 12];
  const latest = toDay(today) - 1;
  let application: string;
  if (stage === 'full') {
    const eighteenth = addYearsIso(birth, 18);
    const ageNow = (toDay(today) - toDay(birth)) / 365.25;
    const maxAge = Math.min(40, ageNow - 5);
    if (maxAge < 18) return undefined;
    application = toIso(toDay(addYearsIso(birth, int(random, 18, Math.floor(maxAge)))) + int(random, 0, 300));
    if (application < eighteenth) application = eighteenth;
  } else {
    // Back from a recent date to the application.
    let date = toIso(latest - int(random, 10, 330));
    for (let k = reached - 1; k > 0; k--) date = addMonthsIso(date, -gaps[k]!);
    application = date;
    if (application < addYearsIso(birth, 18)) return undefined;
  }
  const dates = [application];
  for (let k = 1; k < reached; k++) dates.push(addMonthsIso(dates[k - 1]!, gaps[k]!));
  if (dates[dates.length - 1]! > toIso(latest)) return undefined;
  return dates;
}

export interface Person {
  name: string;
  gender: 'male' | 'female';
  ethnicity: string;
  birthDate: string;
  nationalId: string;
  education: string;
  phone: string;
  organizationId: string;
  stage: Stage;
  keyDates: string[];
}

/** Makes people one at a time; national IDs unique over everything this generator made. */
export class PeopleGenerator {
  private readonly random: Random;
  private readonly ids = new Set<string>();
  private readonly from = toDay('1950-01-01');
  private readonly to = toDay('2002-12-31');
  readonly stageCounts: Record<Stage, number> = { applicant: 0, activist: 0, candidate: 0, probationary: 0, full: 0 };
  readonly genderCounts = { male: 0, female: 0 };

  constructor(
    seed: number,
    private readonly today: string,
  ) {
    this.random = randomStream(seed);
  }

  person(organizationId: string, city: number): Person {
    const r = this.random;
    const gender = r() < 0.3 ? 'female' : 'male';
    for (;;) {
      const birthDate = toIso(int(r, this.from, this.to));
      const stage = weighted(r, stageWeights);
      const dates = keyDates(r, stage, birthDate, this.today);
      if (!dates) continue; // too young for this stage: draw again
      const nationalId = this.nationalId(birthDate, gender, city);
      this.stageCounts[stage] += 1;
      this.genderCounts[gender] += 1;
      return {
        name: `${weighted(r, surnames)}${givenName(r, gender)}`,
        gender,
        ethnicity: r() < 0.91 ? '汉族' : pick(r, minorities),
        birthDate,
        nationalId,
        education: education(r, Number(birthDate.slice(0, 4))),
        phone: r() < 0.85 ? `1${pick(r, ['3', '5', '7', '8', '9'])}${String(int(r, 0, 999_999_999)).padStart(9, '0')}` : '',
        organizationId,
        stage,
        keyDates: dates,
      };
    }
  }

  private nationalId(birthDate: string, gender: 'male' | 'female', city: number): string {
    for (let attempt = 0; ; attempt++) {
      const genderDigit = 2 * int(this.random, 0, 4) + (gender === 'male' ? 1 : 0);
      const id = syntheticId(birthDate, gender, {
        region: regionCode(city, this.random),
        sequence: String(int(this.random, 0, 99)).padStart(2, '0'),
        genderDigit,
      });
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
      if (attempt > 1_000) throw new Error(`no free national ID for ${birthDate}`);
    }
  }
}

// ---- CSV ------------------------------------------------------------------------------------------

export const csvHeader = ['姓名', '性别', '民族', '出生日期', '身份证号', '学历', '手机号', '所在组织', '发展阶段', ...keyDateColumns];

export function csvRow(p: Person): string {
  const dates = keyDateColumns.map((_, i) => p.keyDates[i] ?? '');
  return [
    p.name,
    p.gender === 'male' ? '男' : '女',
    p.ethnicity,
    p.birthDate,
    p.nationalId,
    p.education,
    p.phone,
    p.organizationId,
    stageLabel[p.stage],
    ...dates,
  ].join(',');
}

/** A file as Excel saves "CSV UTF-8": with a byte order mark, CRLF line ends. */
export function csvFile(people: readonly Person[]): Buffer {
  return Buffer.from(`\uFEFF${[csvHeader.join(','), ...people.map(csvRow)].join('\r\n')}\r\n`, 'utf8');
}
