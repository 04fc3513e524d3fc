/**
 * The search index kept in step with the store: on every event of a message it indexes the
 * message's current state (public ones in, the others out), so events arriving twice or out of
 * order still leave the index right; synonyms re-read when their file changes.
 */
import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { watchSynonyms } from '@repo/text';
import { isPublic } from '../domain/message';
import type { MessageRepository } from '../store/messages';
import type { MessageSearchIndex } from '../store/search';

export const indexerDurable = 'feedback-indexer';

export function searchModule(messages: MessageRepository, index: MessageSearchIndex, logger: Logger): ServiceModule {
  let unwatch: (() => void) | undefined;
  return {
    consumers: [
      {
        domain: 'feedback',
        durable: indexerDurable,
        filterType: 'feedback.message.>',
        handler: async (event) => {
          const message = await messages.find(event.subjectId);
          if (message && isPublic(message)) await index.put(message);
          else if (message) await index.remove(message.id, message.revision);
        },
      },
    ],
    start() {
      unwatch = watchSynonyms(index.analyzer, logger);
    },
    stop() {
      unwatch?.();
    },
  };
}
