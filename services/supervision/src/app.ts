/** The supervision service's modules, handed to the service kit. Listening is main.ts's job. */
import { bootService, type ServiceApp } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { auditFeature, loggedDomains, type AuditFeature } from './audit/module';
import type { SupervisionConfig } from './config';
import { disciplineFeature } from './discipline/module';
import type { DisciplineUseCases } from './discipline/use-cases';
import { powerFeature } from './power/module';
import { OrganizationDirectory } from './store/organizations';
import type { WarningEngine } from './warnings/engine';
import { warningsFeature } from './warnings/module';

export interface SupervisionApp extends ServiceApp {
  audit: AuditFeature;
  discipline: DisciplineUseCases;
  warnings: WarningEngine;
}

export async function buildApp(config: SupervisionConfig, logger: Logger): Promise<SupervisionApp> {
  let features: { audit: AuditFeature; discipline: DisciplineUseCases; warnings: WarningEngine } | undefined;
  const app = await bootService({
    name: 'supervision',
    config,
    logger,
    address: config.SUPERVISION_GRPC_ADDR,
    // The audit log reads every service's stream; the warning rules read theirs from them.
    reads: loggedDomains,
    modules: async (context) => {
      const organizations = new OrganizationDirectory(context.connection);
      await organizations.ensureIndexes();
      const audit = await auditFeature(context, config);
      const discipline = disciplineFeature(context, organizations);
      const warnings = await warningsFeature(context, config.warningRules, loggedDomains, organizations, discipline.useCases);
      features = { audit, discipline: discipline.useCases, warnings: warnings.engine };
      return [audit.module, discipline.module, warnings.module, powerFeature(context, organizations)];
    },
  });
  return { ...app, ...features! };
}
