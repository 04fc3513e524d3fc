import { DomainError } from '@repo/errors';
import { defaultRanking, rankingFrom } from '../../src/domain/ranking';

describe('ranking configuration', () => {
  test('overrides merge onto the defaults', () => {
    const ranking = rankingFrom({ docNumber: 20, status: { repealed: 0.3 } });
    expect(ranking.docNumber).toBe(20);
    expect(ranking.status).toEqual({ ...defaultRanking.status, repealed: 0.3 });
    expect(ranking.fields).toEqual(defaultRanking.fields);
    expect(rankingFrom(undefined)).toEqual(defaultRanking);
  });

  test('unknown settings and wrong types are refused by name', () => {
    let error: unknown;
    try {
      rankingFrom({ boosts: 1, status: { repealed: -1 }, recency: { halfLife: 30 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(Object.keys((error as DomainError).details).sort()).toEqual(['boosts', 'recency.halfLife', 'status.repealed']);
  });
});
