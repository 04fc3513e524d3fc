import type { ServiceModule } from '@repo/kit';
import { memberService } from '../grpc/members';
import type { MemberStores } from '../store';
import { MemberImport } from './import';
import { MemberRecords } from './records';

/** Member records, their pipeline and the bulk import. */
export function memberModule(stores: MemberStores): ServiceModule {
  return { grpc: [memberService(new MemberRecords(stores), new MemberImport(stores))] };
}
