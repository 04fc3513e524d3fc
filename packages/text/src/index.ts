export { createTextAnalyzer, TextAnalyzer, type ExpandedQuery, type SynonymSpan, type TextAnalyzerOptions } from './analyzer';
export { defaultDictDir, parseSynonymRules, parseUserTerms, type SynonymRule, type UserTerm } from './dictionaries';
export { docNumberKeys, findDocNumber, parseDocNumber, type ParsedDocNumber } from './doc-number';
export { foldText, hasChinese } from './fold';
export { suggestInputs, toPinyinKey } from './pinyin';
export { PinyinTerms } from './pinyin-terms';
