import type { ServiceModule } from '@repo/kit';
import { organizationService } from '../grpc/organizations';
import type { MemberStores } from '../store';
import { OrganizationTree } from './tree';

/** The tree, and the job that finishes subtree moves a crash interrupted (its first tick runs at start). */
export function organizationModule(stores: MemberStores): ServiceModule {
  return {
    grpc: [organizationService(new OrganizationTree(stores))],
    jobs: [{ name: 'resume-moves', run: async () => ({ resumed: await stores.organizations.resumeMoves() }) }],
  };
}
