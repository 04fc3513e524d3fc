/** Starts the content service in-process on the real local stack, under a namespace of its own. */
import { createLogger } from '@repo/logging';
import { stackEnv } from '@repo/testbed';
import { buildApp, type ContentApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { DocumentFields } from '../src/domain/document';

export interface RunningContent {
  app: ContentApp;
  address: string;
}

export async function startContent(namespace: string, env: Record<string, string> = {}): Promise<RunningContent> {
  const config = loadConfig({ ...stackEnv(namespace), CONTENT_GRPC_ADDR: '127.0.0.1:0', ...env });
  const app = await buildApp(config, createLogger('content-test', config.LOG_LEVEL));
  const port = await app.start();
  return { app, address: `127.0.0.1:${port}` };
}

let serial = 0;

/** A valid policy document whose title and body carry a marker word for searching. */
export function samplePolicy(marker = '三会一课'): DocumentFields {
  serial += 1;
  return {
    kind: 'policy',
    title: `关于落实${marker}制度的通知（第${serial}号样例）`,
    docNumber: `江委发〔2024〕${serial}号`,
    agency: '中共江川省委',
    docType: '通知',
    issuedAt: '2024-05-06',
    effectiveStatus: 'inForce',
    region: '全省',
    topics: ['组织建设'],
    body: `各级党组织要严格落实${marker}制度，把党风廉政建设抓在日常。\n\n支部党员大会每季度至少召开一次。`,
  };
}
