export {
  createTextAnalyzer,
  TextAnalyzer,
  type ExpandedQuery,
  type QueryGroup,
  type QueryPlan,
  type SynonymSpan,
  type TextAnalyzerOptions,
} from './analyzer';
export { defaultDictDir, parseSynonymRules, parseUserTerms, parseWordList, type SynonymRule, type UserTerm } from './dictionaries';
export {
  docNumberKeys,
  findDocNumber,
  findPartialDocNumber,
  parseDocNumber,
  type ParsedDocNumber,
  type PartialDocNumber,
} from './doc-number';
export { foldText, hasChinese } from './fold';
export { suggestInputs, toPinyinKey } from './pinyin';
export { NearForms } from './near-forms';
export { curatedWeight, fuzzySyllable, PinyinTerms } from './pinyin-terms';
export { watchSynonyms } from './watch';
