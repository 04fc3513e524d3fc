/** Proto values the adapters read the same way everywhere. */
import { validationFailed } from '@repo/errors';

/** An int64 (a string on the wire) that counts something: a whole number from 0 up. */
export function count(value: string, field: string): number {
  const n = Number(value || '0');
  if (!Number.isSafeInteger(n) || n < 0) throw validationFailed([{ field, problem: 'must be a whole number from 0' }]);
  return n;
}
