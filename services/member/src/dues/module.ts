import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { duesService } from '../grpc/dues';
import type { MemberStores } from '../store';
import { arrearsJob, Dues } from './dues';

/** Party dues, and the job raising the six-month arrears warning. */
export function duesModule(stores: MemberStores, logger: Logger): ServiceModule {
  return { grpc: [duesService(new Dues(stores, logger))], jobs: [arrearsJob(stores.bills)] };
}
