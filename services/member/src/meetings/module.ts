import type { ServiceModule } from '@repo/kit';
import { meetingService } from '../grpc/meetings';
import type { MemberStores } from '../store';
import { meetingComplianceJob, Meetings } from './meetings';

/** 三会一课, and the job raising behind-schedule warnings. */
export function meetingModule(stores: MemberStores): ServiceModule {
  return { grpc: [meetingService(new Meetings(stores))], jobs: [meetingComplianceJob(stores)] };
}
