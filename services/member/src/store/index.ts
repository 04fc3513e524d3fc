/**
 * The member service's collections, each registered with the service's outboxes. Users,
 * members, bills, transfers and meetings keep copies of organisation paths, so the organisation
 * repository rewrites them as it moves a subtree.
 */
import type { Outboxes } from '@repo/bus';
import type { Connection } from '@repo/db';
import { BillingRunRepository } from './billing-runs';
import { BillRepository } from './dues';
import { LoginFailures } from './login-failures';
import { MeetingRepository } from './meetings';
import { MemberRepository } from './members';
import { OrganizationRepository } from './organizations';
import { TransferRepository } from './transfers';
import { SessionRepository, UserRepository } from './users';

export interface MemberStores {
  organizations: OrganizationRepository;
  users: UserRepository;
  sessions: SessionRepository;
  loginFailures: LoginFailures;
  members: MemberRepository;
  bills: BillRepository;
  billingRuns: BillingRunRepository;
  transfers: TransferRepository;
  meetings: MeetingRepository;
}

export function openStores(connection: Connection, outboxes: Outboxes): MemberStores {
  const users = new UserRepository(connection, outboxes);
  const members = new MemberRepository(connection, outboxes);
  const bills = new BillRepository(connection, outboxes);
  const transfers = new TransferRepository(connection, outboxes);
  const meetings = new MeetingRepository(connection, outboxes);
  const organizations = new OrganizationRepository(connection, outboxes, [
    users.paths,
    members.paths,
    bills.paths,
    transfers.paths,
    ...meetings.paths,
  ]);
  return {
    organizations,
    users,
    sessions: new SessionRepository(connection),
    loginFailures: new LoginFailures(connection),
    members,
    bills,
    billingRuns: new BillingRunRepository(connection),
    transfers,
    meetings,
  };
}
