/** Early warnings as a module: the rule engine's consumers and job, and the gRPC service. */
import type { ModuleContext, ServiceModule } from '@repo/kit';
import type { WarningRule } from '../domain/warning-rules';
import type { DisciplineUseCases } from '../discipline/use-cases';
import { warningService } from '../grpc/warnings';
import type { OrganizationDirectory } from '../store/organizations';
import { Projections } from '../store/projections';
import { WarningRepository } from '../store/warnings';
import { WarningEngine } from './engine';
import { WarningUseCases } from './use-cases';

export async function warningsFeature(
  { connection, outboxes, logger }: ModuleContext,
  rules: readonly WarningRule[],
  domains: readonly string[],
  organizations: OrganizationDirectory,
  discipline: DisciplineUseCases,
): Promise<{ module: ServiceModule; engine: WarningEngine }> {
  const warnings = new WarningRepository(connection, outboxes);
  const projections = new Projections(connection);
  await projections.ensureIndexes();
  const engine = new WarningEngine(rules, {
    warnings,
    projections,
    organizations,
    influence: (memberId, on) => discipline.influenceOn(memberId, on),
    logger,
  });
  return {
    module: {
      grpc: [warningService(new WarningUseCases(warnings, rules))],
      consumers: engine.consumers(domains),
      jobs: engine.jobs(),
      organizationPaths: [warnings.organizationPaths],
    },
    engine,
  };
}
