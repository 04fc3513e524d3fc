import { DomainError } from './index';

/** For tests: the DomainError `fn` throws (anything else is rethrown; no throw fails). */
export function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}
