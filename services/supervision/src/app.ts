/** The supervision service's modules, handed to the service kit. Listening is main.ts's job. */
import { bootService, type ServiceApp } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { auditFeature, loggedDomains, type AuditFeature } from './audit/module';
import type { SupervisionConfig } from './config';

export interface SupervisionApp extends ServiceApp {
  audit: AuditFeature;
}

export async function buildApp(config: SupervisionConfig, logger: Logger): Promise<SupervisionApp> {
  let audit: AuditFeature | undefined;
  const app = await bootService({
    name: 'supervision',
    config,
    logger,
    address: config.SUPERVISION_GRPC_ADDR,
    // The audit log reads every service's stream.
    reads: loggedDomains,
    modules: async (context) => {
      audit = await auditFeature(context, config);
      return [audit.module];
    },
  });
  return { ...app, audit: audit! };
}
