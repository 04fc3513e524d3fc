/** The member service: its collections and its feature modules, booted by the service kit. */
import { bootService, type ServiceApp } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { authModule } from './auth/module';
import type { MemberConfig } from './config';
import { duesModule } from './dues/module';
import { meetingModule } from './meetings/module';
import { memberModule } from './members/module';
import { organizationModule } from './organizations/module';
import { openStores, type MemberStores } from './store';
import { transferModule } from './transfers/module';

/** The running service, and the collections its tests look into. */
export type MemberApp = ServiceApp & Pick<MemberStores, 'organizations' | 'users' | 'members'>;

export interface BuildOptions {
  /** Channel option overrides for the gRPC server (tests shorten the connection age). */
  grpcOverrides?: Record<string, number>;
}

export async function buildApp(config: MemberConfig, logger: Logger, options: BuildOptions = {}): Promise<MemberApp> {
  let stores: MemberStores | undefined;
  const app = await bootService({
    name: 'member',
    config,
    logger,
    address: config.MEMBER_GRPC_ADDR,
    ...options,
    modules: ({ connection, outboxes, leases }) => {
      stores = openStores(connection, outboxes);
      // The tree first: its job finishes interrupted moves before the others read paths.
      return [
        organizationModule(stores),
        authModule(stores, config, logger),
        memberModule(stores),
        duesModule(stores, leases, logger, config.DUES_BILLING_BATCH),
        transferModule(stores, config.TRANSFER_LETTER_DAYS, logger),
        meetingModule(stores),
      ];
    },
  });
  const { organizations, users, members } = stores!;
  return Object.assign(app, { organizations, users, members });
}
