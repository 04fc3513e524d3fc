/**
 * Deterministic demo corpus for the content service: policy documents and
 * articles of the fictional 江川省, composed from phrase banks written for
 * this project. Same options → identical output.
 */
import { generateArticles } from './articles';
import { dayOf, isoDate } from './calendar';
import { AGENCIES } from './geography';
import { writePolicyBody } from './policy-bodies';
import { PolicyPlanner, assignDocNumbers, isRuleType, type PolicyDraft } from './policy-plan';
import { SeededRandom } from './random';
import type { SeedDocument } from './types';

export type { EffectiveStatus, SeedDocument, SeedKind } from './types';
export { ARTICLE_DOC_TYPES, EFFECTIVE_STATUSES, LIMITS, POLICY_DOC_TYPES, TOPICS } from './types';

export interface CorpusOptions {
  policies?: number;
  articles?: number;
  seed?: number;
}

export const DEFAULT_POLICY_COUNT = 170;
export const DEFAULT_ARTICLE_COUNT = 80;
export const DEFAULT_SEED = 20_210_701;

/** Share of older rules that later get revised or amended within the corpus. */
const SUCCESSION_RATE = 0.6;
const SUCCESSION_CUTOFF_DAY = dayOf(2020, 12, 31);

function planPolicies(count: number, rng: SeededRandom, usedTitles: Set<string>): PolicyDraft[] {
  const planner = new PolicyPlanner(rng, usedTitles);
  // Clean-up decisions that repeal batches of older documents need a corpus to act on.
  const repealLists = count >= 200 ? 2 : count >= 60 ? 1 : 0;
  const regularTarget = count - repealLists;
  const agencyWeights = AGENCIES.map((agency) => [agency, agency.weight] as const);
  let misses = 0;
  while (planner.drafts.length < regularTarget) {
    const agency = rng.weighted(agencyWeights);
    const docType = rng.weighted(agency.docTypes);
    const draft = planner.planOne(agency, docType);
    if (!draft) {
      if (++misses > 20_000) throw new Error('generateCorpus: ran out of distinct policy titles');
      continue;
    }
    const canSucceed = isRuleType(draft.docType) && draft.form.kind === 'rule' && draft.day <= SUCCESSION_CUTOFF_DAY;
    if (canSucceed && planner.drafts.length < regularTarget && rng.chance(SUCCESSION_RATE)) {
      planner.planSuccessor(draft);
    }
  }
  for (let i = 0; i < repealLists; i++) {
    if (!planner.planRepealList(i === 1)) {
      // Not enough eligible older documents: fill the slot with an ordinary one.
      let draft: PolicyDraft | null = null;
      while (!draft) {
        if (++misses > 20_000) throw new Error('generateCorpus: ran out of distinct policy titles');
        const agency = rng.weighted(agencyWeights);
        draft = planner.planOne(agency, rng.weighted(agency.docTypes));
      }
    }
  }
  return planner.drafts;
}

export function generateCorpus(options: CorpusOptions = {}): SeedDocument[] {
  const policyCount = Math.max(0, Math.floor(options.policies ?? DEFAULT_POLICY_COUNT));
  const articleCount = Math.max(0, Math.floor(options.articles ?? DEFAULT_ARTICLE_COUNT));
  const rng = new SeededRandom(options.seed ?? DEFAULT_SEED);
  const usedTitles = new Set<string>();

  const drafts = planPolicies(policyCount, rng, usedTitles).sort((a, b) => a.day - b.day || a.order - b.order);
  assignDocNumbers(drafts, rng);

  const policies: SeedDocument[] = drafts.map((draft) => ({
    kind: 'policy',
    title: draft.title,
    docNumber: draft.docNumber,
    agency: draft.agency.name,
    docType: draft.docType,
    issuedAt: isoDate(draft.day),
    effectiveStatus: draft.status,
    region: draft.agency.region,
    topics: [...draft.topics],
    body: writePolicyBody(draft, drafts, rng),
  }));

  const articles = generateArticles(articleCount, drafts, rng, usedTitles).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  return [...policies, ...articles];
}
