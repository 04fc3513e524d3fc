/** Power lists as a module of the service. */
import { WorkingDays } from '@repo/calendar';
import type { ModuleContext, ServiceModule } from '@repo/kit';
import { powerService } from '../grpc/power';
import type { OrganizationDirectory } from '../store/organizations';
import { PowerRepository } from '../store/power';
import { PowerUseCases } from './use-cases';

export function powerFeature({ connection, outboxes }: ModuleContext, organizations: OrganizationDirectory): ServiceModule {
  const power = new PowerRepository(connection, outboxes);
  // Step time limits are working days, as the State Council's holiday notices make them.
  const useCases = new PowerUseCases(power, organizations, WorkingDays.load());
  return { grpc: [powerService(useCases)], organizationPaths: power.organizationPaths };
}
