/**
 * The fictional province behind the demo corpus and the agencies that issue
 * its documents. 江川省 is invented; its cities and counties are too, even
 * where a name happens to resemble a real place.
 */
import type { PolicyDocType, Topic } from './types';

export const PROVINCE = {
  name: '江川省',
  /** One-character abbreviation used in document numbers (江委发). */
  abbr: '江',
} as const;

export interface County {
  name: string;
  /** Two-character stem used in county document numbers (望川委发). */
  stem: string;
}

export interface City {
  name: string;
  /** One-character abbreviation used in city document numbers (临委发). */
  abbr: string;
  counties: readonly County[];
}

function county(name: string): County {
  return { name, stem: name.slice(0, 2) };
}

export const CITIES: readonly City[] = [
  { name: '临江市', abbr: '临', counties: [county('江口区'), county('望川县'), county('东坪县')] },
  { name: '青州市', abbr: '青', counties: [county('青山区'), county('柳河县'), county('北关县')] },
  { name: '云岭市', abbr: '云', counties: [county('云中区'), county('雾溪县'), county('松岗县')] },
  { name: '南屏市', abbr: '南', counties: [county('凤鸣区'), county('石桥县'), county('白沙县')] },
  { name: '安澜市', abbr: '安', counties: [county('安平区'), county('清溪县'), county('红岩县')] },
  { name: '桐川市', abbr: '桐', counties: [county('梧桐区'), county('双河县'), county('龙潭县')] },
  { name: '石溪市', abbr: '石', counties: [county('溪口区'), county('金坪县'), county('马鞍县')] },
  { name: '玉泉市', abbr: '玉', counties: [county('玉湖区'), county('长岭县'), county('百花县')] },
];

export type AgencyLevel = 'national' | 'provincial' | 'city' | 'county';

/** What an agency does decides which document types and topics it issues. */
export type AgencyRole =
  | 'partyCentre'
  | 'partyCommittee'
  | 'generalOffice'
  | 'discipline'
  | 'organisation'
  | 'propaganda'
  | 'government'
  | 'governmentOffice'
  | 'organsWork'
  | 'congress'
  | 'inspection';

export interface Agency {
  name: string;
  /** How other documents refer to it in running text (省委组织部). */
  shortName: string;
  level: AgencyLevel;
  role: AgencyRole;
  region: string;
  /** Default document-number code (江组发). */
  code: string;
  /** Some document types carry their own code (报告 → 江委, 函 → 江委办函). */
  codeByDocType: Partial<Record<PolicyDocType, string>>;
  docTypes: ReadonlyArray<readonly [PolicyDocType, number]>;
  topics: ReadonlyArray<readonly [Topic, number]>;
  /** Relative share of the corpus issued by this agency. */
  weight: number;
}

/** Scope word used in running text: 全省各级党组织, 全市各级党组织 … */
export function scopeWord(level: AgencyLevel): string {
  switch (level) {
    case 'national':
      return '全国';
    case 'provincial':
      return '全省';
    case 'city':
      return '全市';
    case 'county':
      return '全县';
  }
}

const ROLE_DOC_TYPES: Record<AgencyRole, ReadonlyArray<readonly [PolicyDocType, number]>> = {
  partyCentre: [
    ['意见', 4],
    ['通知', 2],
    ['方案', 1],
    ['决定', 1],
  ],
  partyCommittee: [
    ['意见', 4],
    ['决定', 1.5],
    ['规定', 1],
    ['方案', 2],
    ['规划', 1],
    ['纲要', 0.6],
    ['报告', 1.5],
    ['批复', 0.6],
    ['通知', 2],
  ],
  generalOffice: [
    ['通知', 5],
    ['方案', 3],
    ['讲话', 3],
    ['意见', 1.5],
    ['函', 1],
    ['规定', 0.6],
  ],
  discipline: [
    ['通报', 6],
    ['规定', 1],
    ['细则', 1.5],
    ['办法', 1.5],
    ['意见', 1],
    ['通知', 1.5],
    ['准则', 0.8],
    ['讲话', 1],
  ],
  organisation: [
    ['办法', 3],
    ['规定', 2],
    ['细则', 2.5],
    ['通知', 4],
    ['意见', 2],
    ['方案', 1.5],
    ['规划', 1],
    ['通报', 1],
    ['函', 1],
    ['批复', 0.5],
  ],
  propaganda: [
    ['通知', 4],
    ['方案', 2],
    ['意见', 2],
    ['纲要', 1],
    ['规划', 1],
    ['通报', 1],
    ['办法', 1],
    ['讲话', 0.6],
  ],
  government: [
    ['意见', 3],
    ['规划', 2],
    ['方案', 2],
    ['通知', 2],
    ['批复', 2],
    ['办法', 1],
  ],
  governmentOffice: [
    ['通知', 4],
    ['方案', 2],
    ['函', 1],
    ['意见', 1],
  ],
  organsWork: [
    ['通知', 3],
    ['办法', 2],
    ['意见', 1.5],
    ['通报', 1],
    ['方案', 1],
  ],
  congress: [['条例', 1]],
  inspection: [
    ['通知', 2],
    ['办法', 1],
    ['细则', 1],
    ['规划', 0.6],
    ['通报', 1],
  ],
};

const ROLE_TOPICS: Record<AgencyRole, ReadonlyArray<readonly [Topic, number]>> = {
  partyCentre: [
    ['党的建设', 3],
    ['组织建设', 2],
    ['基层治理', 2],
    ['乡村振兴', 2],
    ['作风建设', 2],
    ['干部教育培训', 1],
    ['宣传思想', 1],
  ],
  partyCommittee: [
    ['党的建设', 3],
    ['组织建设', 2],
    ['基层治理', 2],
    ['乡村振兴', 2],
    ['党风廉政建设', 1.5],
    ['作风建设', 1.5],
    ['宣传思想', 1],
    ['意识形态', 1],
    ['主题教育', 2],
    ['巡视巡察', 1],
    ['干部教育培训', 1],
  ],
  generalOffice: [
    ['党的建设', 2],
    ['主题教育', 2],
    ['基层治理', 2],
    ['作风建设', 2],
    ['乡村振兴', 1.5],
    ['组织建设', 1],
    ['意识形态', 1],
    ['党风廉政建设', 1],
  ],
  discipline: [
    ['纪律监督', 3],
    ['党风廉政建设', 3],
    ['作风建设', 3],
    ['巡视巡察', 1],
  ],
  organisation: [
    ['组织建设', 3],
    ['党员发展', 3],
    ['党费管理', 2.5],
    ['三会一课', 2.5],
    ['干部教育培训', 2.5],
    ['党员教育管理', 2.5],
    ['基层治理', 1],
    ['乡村振兴', 1],
    ['主题教育', 1],
  ],
  propaganda: [
    ['宣传思想', 4],
    ['意识形态', 3],
    ['主题教育', 2],
    ['党的建设', 1],
  ],
  government: [
    ['乡村振兴', 4],
    ['基层治理', 3],
    ['作风建设', 1],
  ],
  governmentOffice: [
    ['乡村振兴', 3],
    ['基层治理', 3],
    ['作风建设', 1.5],
  ],
  organsWork: [
    ['机关党建', 5],
    ['三会一课', 1.5],
    ['党员教育管理', 1],
    ['作风建设', 1],
  ],
  congress: [
    ['基层治理', 1],
    ['乡村振兴', 1],
    ['宣传思想', 1],
  ],
  inspection: [['巡视巡察', 1]],
};

interface AgencySpec {
  name: string;
  shortName: string;
  role: AgencyRole;
  code: string;
  codeByDocType?: Partial<Record<PolicyDocType, string>>;
  weight: number;
  /** Narrows the role's document types (city and county agencies issue fewer kinds). */
  onlyDocTypes?: readonly PolicyDocType[];
}

function buildAgency(spec: AgencySpec, level: AgencyLevel, region: string): Agency {
  const roleDocTypes = ROLE_DOC_TYPES[spec.role];
  const docTypes = spec.onlyDocTypes ? roleDocTypes.filter(([docType]) => spec.onlyDocTypes?.includes(docType)) : roleDocTypes;
  return {
    name: spec.name,
    shortName: spec.shortName,
    level,
    role: spec.role,
    region,
    code: spec.code,
    codeByDocType: spec.codeByDocType ?? {},
    docTypes,
    topics: ROLE_TOPICS[spec.role],
    weight: spec.weight,
  };
}

// National agencies are written generically; their documents in the corpus are invented.
const NATIONAL: AgencySpec[] = [
  { name: '中共中央', shortName: '党中央', role: 'partyCentre', code: '中发', weight: 3 },
  {
    name: '中共中央办公厅',
    shortName: '中共中央办公厅',
    role: 'partyCentre',
    code: '中办发',
    weight: 3.5,
    onlyDocTypes: ['意见', '通知', '方案'],
  },
  {
    name: '国务院办公厅',
    shortName: '国务院办公厅',
    role: 'governmentOffice',
    code: '国办发',
    weight: 1.5,
    onlyDocTypes: ['意见', '通知'],
  },
  { name: '中共中央组织部', shortName: '中央组织部', role: 'organisation', code: '中组发', weight: 2, onlyDocTypes: ['意见', '通知'] },
];

const P = PROVINCE.abbr;
const PROVINCIAL: AgencySpec[] = [
  {
    name: '中共江川省委',
    shortName: '省委',
    role: 'partyCommittee',
    code: `${P}委发`,
    codeByDocType: { 报告: `${P}委`, 批复: `${P}委` },
    weight: 9,
  },
  {
    name: '中共江川省委办公厅',
    shortName: '省委办公厅',
    role: 'generalOffice',
    code: `${P}委办发`,
    codeByDocType: { 函: `${P}委办函` },
    weight: 9,
  },
  { name: '中共江川省纪律检查委员会', shortName: '省纪委', role: 'discipline', code: `${P}纪发`, weight: 10 },
  {
    name: '中共江川省委组织部',
    shortName: '省委组织部',
    role: 'organisation',
    code: `${P}组发`,
    codeByDocType: { 函: `${P}组函` },
    weight: 14,
  },
  { name: '中共江川省委宣传部', shortName: '省委宣传部', role: 'propaganda', code: `${P}宣发`, weight: 7 },
  { name: '江川省人民政府', shortName: '省政府', role: 'government', code: `${P}政发`, codeByDocType: { 批复: `${P}政函` }, weight: 5 },
  {
    name: '江川省人民政府办公厅',
    shortName: '省政府办公厅',
    role: 'governmentOffice',
    code: `${P}政办发`,
    codeByDocType: { 函: `${P}政办函` },
    weight: 4,
  },
  { name: '中共江川省委省直机关工作委员会', shortName: '省直机关工委', role: 'organsWork', code: `${P}直工发`, weight: 4 },
  { name: '江川省人民代表大会常务委员会', shortName: '省人大常委会', role: 'congress', code: `${P}人常发`, weight: 1.5 },
  { name: '中共江川省委巡视工作领导小组', shortName: '省委巡视工作领导小组', role: 'inspection', code: `${P}巡发`, weight: 2.5 },
];

function citySpecs(city: City): AgencySpec[] {
  const a = city.abbr;
  return [
    {
      name: `中共${city.name}委`,
      shortName: '市委',
      role: 'partyCommittee',
      code: `${a}委发`,
      codeByDocType: { 报告: `${a}委` },
      weight: 1,
      onlyDocTypes: ['意见', '方案', '通知', '报告', '决定'],
    },
    {
      name: `中共${city.name}委办公室`,
      shortName: '市委办公室',
      role: 'generalOffice',
      code: `${a}委办发`,
      weight: 0.6,
      onlyDocTypes: ['通知', '方案', '讲话'],
    },
    {
      name: `中共${city.name}纪律检查委员会`,
      shortName: '市纪委',
      role: 'discipline',
      code: `${a}纪发`,
      weight: 0.8,
      onlyDocTypes: ['通报', '通知', '办法'],
    },
    {
      name: `中共${city.name}委组织部`,
      shortName: '市委组织部',
      role: 'organisation',
      code: `${a}组发`,
      weight: 0.8,
      onlyDocTypes: ['通知', '办法', '方案', '细则'],
    },
  ];
}

function countySpecs(county: County): AgencySpec[] {
  return [
    {
      name: `中共${county.name}委`,
      shortName: `${county.name.slice(-1)}委`,
      role: 'partyCommittee',
      code: `${county.stem}委发`,
      weight: 0.3,
      onlyDocTypes: ['意见', '方案', '通知'],
    },
  ];
}

function buildAllAgencies(): Agency[] {
  const agencies: Agency[] = [];
  for (const spec of NATIONAL) agencies.push(buildAgency(spec, 'national', '全国'));
  for (const spec of PROVINCIAL) agencies.push(buildAgency(spec, 'provincial', '全省'));
  for (const city of CITIES) {
    for (const spec of citySpecs(city)) agencies.push(buildAgency(spec, 'city', city.name));
    for (const c of city.counties) {
      for (const spec of countySpecs(c)) agencies.push(buildAgency(spec, 'county', `${city.name}${c.name}`));
    }
  }
  return agencies;
}

export const AGENCIES: readonly Agency[] = buildAllAgencies();

export function docNumberCode(agency: Agency, docType: PolicyDocType): string {
  return agency.codeByDocType[docType] ?? agency.code;
}

/** Units that publish news, features and party lectures. */
export const ARTICLE_PUBLISHERS = {
  provincial: ['江川日报', '江川先锋网', '中共江川省委组织部', '中共江川省委宣传部', '江川省直机关工委', '江川廉政网'],
  city: (city: City): string[] => [`${city.name}融媒体中心`, `中共${city.name}委组织部`, `${city.name.slice(0, 2)}日报`],
  county: (city: City, c: County): string[] => [`${c.name}融媒体中心`, `中共${city.name}${c.name}委组织部`],
} as const;

/** The place name that starts a news headline: 望川县, 临江市, 江川省. */
export function shortRegionName(region: string): string {
  for (const city of CITIES) {
    if (region === city.name) return city.name;
    for (const c of city.counties) if (region === `${city.name}${c.name}`) return c.name;
  }
  return region === '全省' ? PROVINCE.name : region;
}
