import { KeyedMutex } from '../src/keyed-mutex';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeyedMutex', () => {
  test('work on one key runs one at a time, in order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const job = (name: string) =>
      mutex.run('doc-1', async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  test('different keys run side by side, and a failure releases the lock', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all([
      mutex.run('x', async () => {
        log.push('x start');
        await tick();
        log.push('x end');
      }),
      mutex.run('y', async () => {
        log.push('y start');
      }),
    ]);
    expect(log).toEqual(['x start', 'y start', 'x end']);
    await expect(mutex.run('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('x', async () => 'after')).resolves.toBe('after');
  });
});
