/** Shared types and fixed vocabularies of the demo corpus. */

import {
  articleTypes,
  effectiveStatuses,
  policyTypes,
  type DocumentFields,
  type DocumentKind,
  type EffectiveStatus as DomainEffectiveStatus,
} from '../src/domain/document';

// The corpus speaks the content service's vocabulary: kinds, types and statuses come from its domain.
export type SeedKind = DocumentKind;
export type EffectiveStatus = DomainEffectiveStatus;

/**
 * A document as the content service accepts it. Corpus conventions: policy 文号 unique, articles
 * without one; region 全国, 全省, a city (临江市) or a county (临江市望川县); 1–4 topics of TOPICS;
 * bodies of 600–3000 characters, paragraphs separated by a blank line.
 */
export type SeedDocument = DocumentFields;

export const POLICY_DOC_TYPES = policyTypes;
export type PolicyDocType = (typeof POLICY_DOC_TYPES)[number];

export const ARTICLE_DOC_TYPES = articleTypes;
export type ArticleDocType = (typeof ARTICLE_DOC_TYPES)[number];

export const TOPICS = [
  '党的建设',
  '党风廉政建设',
  '组织建设',
  '干部教育培训',
  '基层治理',
  '乡村振兴',
  '宣传思想',
  '纪律监督',
  '党员发展',
  '党费管理',
  '三会一课',
  '主题教育',
  '党员教育管理',
  '作风建设',
  '机关党建',
  '意识形态',
  '巡视巡察',
] as const;
export type Topic = (typeof TOPICS)[number];

export const EFFECTIVE_STATUSES = effectiveStatuses;

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
