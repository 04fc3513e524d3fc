/**
 * Whom a course or an exam is for: all members, branch secretaries and committee members, or
 * cadres (of some levels or all). Pure rules: no I/O.
 */
import type { FieldViolation } from '@repo/errors';
import type { LearnerFacts } from './learner';
import { audienceKinds, cadreLevels, isOneOf, type AudienceKind, type CadreLevel } from './vocabulary';

export interface Audience {
  kind: AudienceKind;
  /** For cadres: the levels; empty for every level. */
  cadreLevels: CadreLevel[];
}

export const allMembers: Audience = { kind: 'allMembers', cadreLevels: [] };

/** Adds what is wrong with an audience to `violations`, under `field` (audience.kind ...). */
export function checkAudience(violations: FieldViolation[], audience: Audience, field = 'audience'): void {
  if (!isOneOf(audienceKinds, audience.kind))
    violations.push({ field: `${field}.kind`, problem: `must be one of ${audienceKinds.join(', ')}` });
  audience.cadreLevels.forEach((level, i) => {
    if (!isOneOf(cadreLevels, level))
      violations.push({ field: `${field}.cadreLevels[${i}]`, problem: `must be one of ${cadreLevels.join(', ')}` });
  });
  if (audience.kind !== 'cadres' && audience.cadreLevels.length)
    violations.push({ field: `${field}.cadreLevels`, problem: 'only an audience of cadres has levels' });
}

/** A valid audience as saved: each level once. */
export function normalizeAudience(audience: Audience): Audience {
  return { kind: audience.kind, cadreLevels: [...new Set(audience.cadreLevels)] };
}

/** Whether an audience includes the learner (everyone on the roster for allMembers). */
export function inAudience(learner: Pick<LearnerFacts, 'posts' | 'cadreLevel'>, audience: Audience): boolean {
  switch (audience.kind) {
    case 'allMembers':
      return true;
    case 'secretariesAndCommittee':
      return learner.posts.length > 0;
    case 'cadres':
      return learner.cadreLevel !== '' && (audience.cadreLevels.length === 0 || audience.cadreLevels.includes(learner.cadreLevel));
  }
}

/** The audience's rule in words, for refusals: `cadres (countyDivision, townshipSection)`. */
export function audienceRule(audience: Audience): string {
  return `${audience.kind}${audience.cadreLevels.length ? ` (${audience.cadreLevels.join(', ')})` : ''}`;
}
