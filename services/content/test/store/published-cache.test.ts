import type { ContentDocument } from '../../src/domain/document';
import { PublishedCache } from '../../src/store/published-cache';

const doc = (id: string, status: ContentDocument['status'] = 'published') => ({ id, status }) as ContentDocument;

function listening(maxEntries = 2, ttlMs = 1_000) {
  let now = 0;
  const cache = new PublishedCache(maxEntries, ttlMs, () => now);
  cache.listen(true);
  return { cache, advance: (ms: number) => (now += ms) };
}

test('keeps published documents only, while listening', () => {
  const { cache } = listening();
  cache.keep(doc('a'), cache.mark());
  cache.keep(doc('d', 'draft'), cache.mark());
  expect(cache.get('a')?.id).toBe('a');
  expect(cache.get('d')).toBeUndefined();
  cache.listen(false);
  expect(cache.get('a')).toBeUndefined();
  cache.listen(true);
  expect(cache.get('a')).toBeUndefined();
});

test('a read that raced a change is not kept', () => {
  const { cache } = listening();
  const mark = cache.mark();
  cache.forget('a');
  cache.keep(doc('a'), mark);
  expect(cache.get('a')).toBeUndefined();
});

test('the least recently read goes first, and entries expire', () => {
  const { cache, advance } = listening(2, 1_000);
  cache.keep(doc('a'), cache.mark());
  cache.keep(doc('b'), cache.mark());
  cache.get('a');
  cache.keep(doc('c'), cache.mark());
  expect([cache.get('a')?.id, cache.get('b')?.id, cache.get('c')?.id]).toEqual(['a', undefined, 'c']);
  advance(1_001);
  expect(cache.get('a')).toBeUndefined();
  expect(cache.size).toBe(1);
});

test('no entries means no cache', () => {
  const cache = new PublishedCache(0, 1_000);
  cache.listen(true);
  cache.keep(doc('a'), cache.mark());
  expect(cache.enabled).toBe(false);
  expect(cache.get('a')).toBeUndefined();
});
