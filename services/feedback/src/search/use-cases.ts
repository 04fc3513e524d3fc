/** Public search over accepted messages and their replies; the limits bound what a request may cost. */
import { authorize, type Caller } from '@repo/access';
import { validationFailed, type FieldViolation } from '@repo/errors';
import type { MessageSearch, MessageSearchIndex, MessageSearchResult } from '../store/search';

export const searchLimits = { defaultSize: 20, maxSize: 50, maxWindow: 10_000, maxQueryChars: 200 } as const;

export class SearchUseCases {
  constructor(private readonly index: MessageSearchIndex) {}

  async search(caller: Caller, query: MessageSearch): Promise<MessageSearchResult> {
    authorize(caller, 'feedback.read');
    const violations: FieldViolation[] = [];
    if (query.size < 1 || query.size > searchLimits.maxSize)
      violations.push({ field: 'size', problem: `must be between 1 and ${searchLimits.maxSize}` });
    if (query.page < 1) violations.push({ field: 'page', problem: 'must be at least 1' });
    else if (query.page * query.size > searchLimits.maxWindow)
      violations.push({ field: 'page', problem: `page x size must not exceed ${searchLimits.maxWindow}; narrow the search` });
    if ([...query.text].length > searchLimits.maxQueryChars)
      violations.push({ field: 'q', problem: `must be at most ${searchLimits.maxQueryChars} characters` });
    if (violations.length) throw validationFailed(violations);
    return this.index.queries.search(query);
  }
}
