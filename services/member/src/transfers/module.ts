import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { transferService } from '../grpc/transfers';
import type { MemberStores } from '../store';
import { transferJobs, Transfers } from './transfers';

/** Transfers, with the jobs that expire their letters and finish interrupted completions. */
export function transferModule(stores: MemberStores, letterDays: number, logger: Logger): ServiceModule {
  return { grpc: [transferService(new Transfers(stores, letterDays, logger))], jobs: transferJobs(stores, logger) };
}
