import { eachConcurrently } from '../src/concurrency';

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
