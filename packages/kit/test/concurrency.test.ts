import { eachConcurrently, readingAhead } from '../src/concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('eachConcurrently', () => {
  test('every item once, never more than the limit at a time', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await tick();
      done.push(n);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  test('the first failure rejects, and nothing is started after it', async () => {
    const started: number[] = [];
    await expect(
      eachConcurrently([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
    expect(started).toEqual([1, 2]);
  });
});

describe('readingAhead', () => {
  /** A source that records when each item is asked for, and whether it was closed. */
  function source(count: number, log: string[], failAt?: number) {
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let i = 1; i <= count; i++) {
            log.push(`read ${i}`);
            await tick();
            if (i === failAt) throw new Error(`read ${i} failed`);
            yield i;
          }
        } finally {
          log.push('closed');
        }
      },
    };
  }

  test('asks for the next item before the caller works on this one, and yields every item in order', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const n of readingAhead(source(3, log))) {
      log.push(`work ${n}`);
      await tick();
      seen.push(n);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(log.indexOf('read 2')).toBeLessThan(log.indexOf('work 1'));
    expect(log.indexOf('read 3')).toBeLessThan(log.indexOf('work 2'));
  });

  test('stopping early closes the source once its read ahead has settled', async () => {
    const log: string[] = [];
    for await (const n of readingAhead(source(5, log))) {
      if (n === 2) break;
    }
    expect(log).toEqual(['read 1', 'read 2', 'read 3', 'closed']);
  });

  test('a failed read reaches the caller at the item it was for', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of readingAhead(source(4, log, 3))) seen.push(n);
      })(),
    ).rejects.toThrow('read 3 failed');
    expect(seen).toEqual([1, 2]);
  });
});
