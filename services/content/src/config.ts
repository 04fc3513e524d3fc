import { commonShape, env, loadConfig, z } from '@repo/config';

export const contentConfigShape = {
  ...commonShape,
  CONTENT_GRPC_ADDR: env.address('127.0.0.1:50051'),
  ELASTICSEARCH_URL: env.url('http://127.0.0.1:9200'),
  /** Prefix of the search alias and indices; tests set one each. */
  SEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'lower case letters, digits and dashes').default(''),
  SEARCH_INDEX_REPLICAS: env.int(0, 0, 5),
  OUTBOX_POLL_MS: env.int(1_000, 50, 60_000),
};

export type ContentConfig = ReturnType<typeof loadContentConfig>;

export function loadContentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(contentConfigShape, source);
}
