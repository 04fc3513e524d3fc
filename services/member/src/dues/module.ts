import type { Leases, ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { duesService } from '../grpc/dues';
import type { MemberStores } from '../store';
import { BillingWorker } from './billing';
import { arrearsJob, Dues } from './dues';

/** Party dues, the background billing runs, and the job raising the six-month arrears warning. */
export function duesModule(stores: MemberStores, leases: Leases, logger: Logger, billingBatch: number): ServiceModule {
  const worker = new BillingWorker(stores, leases, logger, billingBatch);
  return {
    grpc: [duesService(new Dues(stores, worker))],
    jobs: [worker.job(), arrearsJob(stores.bills)],
    stop: () => worker.stop(),
  };
}
