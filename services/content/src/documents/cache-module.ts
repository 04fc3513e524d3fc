/**
 * Keeps the published-documents cache right (store/published-cache.ts): every document event
 * of any replica makes this replica forget that document, and the cache is only used while the
 * connection to NATS that brings those events is up.
 */
import type { Bus } from '@repo/bus';
import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { JSONCodec, type Subscription } from 'nats';
import type { PublishedCache } from '../store/published-cache';

const codec = JSONCodec<{ subjectId?: unknown }>();

export function publishedCacheModule(bus: Bus, cache: PublishedCache, logger: Logger): ServiceModule {
  let subscription: Subscription | undefined;
  let stopped = false;
  return {
    async start() {
      subscription = bus.nc.subscribe(bus.names.subject('content.document.>'), {
        callback: (err, msg) => {
          if (err) return;
          try {
            const { subjectId } = codec.decode(msg.data);
            if (typeof subjectId === 'string') cache.forget(subjectId);
          } catch {
            // Not an event: nothing to forget.
          }
        },
      });
      // The server knows of the subscription once a round trip has passed.
      await bus.nc.flush();
      cache.listen(true);
      void (async () => {
        for await (const status of bus.nc.status()) {
          if (stopped) return;
          if (status.type === 'disconnect') {
            cache.listen(false);
            logger.warn('document cache off while NATS is unreachable');
          } else if (status.type === 'reconnect') {
            await bus.nc.flush().catch(() => undefined);
            cache.listen(true);
          }
        }
      })();
    },
    stop() {
      stopped = true;
      cache.listen(false);
      subscription?.unsubscribe();
    },
  };
}
