/** Discipline cases and notices as a module of the service. */
import type { ModuleContext, ServiceModule } from '@repo/kit';
import { disciplineService } from '../grpc/discipline';
import { CaseRepository } from '../store/cases';
import { NoticeRepository } from '../store/notices';
import type { OrganizationDirectory } from '../store/organizations';
import { DisciplineUseCases } from './use-cases';

export function disciplineFeature(
  { connection, outboxes }: ModuleContext,
  organizations: OrganizationDirectory,
): { module: ServiceModule; useCases: DisciplineUseCases } {
  const cases = new CaseRepository(connection, outboxes);
  const notices = new NoticeRepository(connection, outboxes);
  const useCases = new DisciplineUseCases(cases, notices, organizations);
  return {
    module: { grpc: [disciplineService(useCases)], organizationPaths: [cases.organizationPaths, notices.organizationPaths] },
    useCases,
  };
}
