/** Shared types and fixed vocabularies of the demo corpus. */

export type SeedKind = 'policy' | 'article';
export type EffectiveStatus = 'inForce' | 'amended' | 'repealed';

export interface SeedDocument {
  kind: SeedKind;
  /** ≤ 200 chars. */
  title: string;
  /** Policy: 文号 such as 江委发〔2023〕12号 (unique); article: ''. */
  docNumber: string;
  /** 发文机关 for policies, publishing unit for articles. */
  agency: string;
  docType: string;
  /** YYYY-MM-DD. */
  issuedAt: string;
  effectiveStatus: EffectiveStatus;
  /** 全国, 全省, a city (临江市) or a county (临江市望川县). */
  region: string;
  /** 1–4 entries of TOPICS. */
  topics: string[];
  /** 600–3000 chars, paragraphs separated by a blank line. */
  body: string;
}

export const POLICY_DOC_TYPES = [
  '通知', '意见', '决定', '办法', '规定', '条例', '讲话', '方案',
  '规划', '报告', '通报', '批复', '函', '准则', '细则', '纲要',
] as const;
export type PolicyDocType = (typeof POLICY_DOC_TYPES)[number];

export const ARTICLE_DOC_TYPES = ['新闻', '宣传', '党课'] as const;
export type ArticleDocType = (typeof ARTICLE_DOC_TYPES)[number];

export const TOPICS = [
  '党的建设', '党风廉政建设', '组织建设', '干部教育培训', '基层治理', '乡村振兴',
  '宣传思想', '纪律监督', '党员发展', '党费管理', '三会一课', '主题教育',
  '党员教育管理', '作风建设', '机关党建', '意识形态', '巡视巡察',
] as const;
export type Topic = (typeof TOPICS)[number];

export const EFFECTIVE_STATUSES: readonly EffectiveStatus[] = ['inForce', 'amended', 'repealed'];

export const LIMITS = {
  titleMaxChars: 200,
  bodyMinChars: 600,
  bodyMaxChars: 3000,
  firstDay: '2015-01-01',
  lastDay: '2026-10-31',
  maxTopics: 4,
} as const;

/** Document types written article by article (第一条, 第二条 …). */
export const RULE_DOC_TYPES: readonly PolicyDocType[] = ['办法', '规定', '条例', '细则', '准则'];
