/**
 * `npm run seed`: loads the demo corpus through the gateway, as an editor would: create,
 * submit, approve (by a second person), publish. Needs the platform running (`npm start`).
 * The editor and the reviewer are two superAdmins whose access tokens the seed signs with the
 * local platform's secret (.local/auth-token-secret, written by `npm start`): development only.
 */
import { bearer, localTokenSecret } from '@repo/testbed';
import { generateCorpus, type SeedDocument } from './corpus';

const gatewayUrl = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const concurrency = Number(process.env.SEED_CONCURRENCY ?? 8);
const secret = process.env.AUTH_TOKEN_SECRET ?? localTokenSecret();
const editor = bearer({ userId: 'seed-editor', orgPath: '/', roles: ['superAdmin'] }, secret, 7_200);
const reviewer = bearer({ userId: 'seed-reviewer', orgPath: '/', roles: ['superAdmin'] }, secret, 7_200);

async function call(
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function load(doc: SeedDocument): Promise<void> {
  const { kind, title, docNumber, agency, docType, issuedAt, effectiveStatus, region, topics, body } = doc;
  const created = await call('POST', '/api/v1/documents', editor, {
    kind,
    title,
    docNumber,
    agency,
    docType,
    issuedAt,
    effectiveStatus,
    region,
    topics,
    body,
  });
  const id = String(created.id);
  await call('POST', `/api/v1/documents/${id}/submit`, editor);
  await call('POST', `/api/v1/documents/${id}/approve`, reviewer);
  await call('POST', `/api/v1/documents/${id}/publish`, reviewer);
}

async function main(): Promise<void> {
  try {
    await fetch(`${gatewayUrl}/healthz`);
  } catch {
    console.error(`seed: no gateway at ${gatewayUrl}; start the platform first with \`npm start\` (or set GATEWAY_URL).`);
    process.exit(1);
  }
  const corpus = generateCorpus();
  const existing = Number((await call('GET', '/api/v1/documents?size=1', editor)).total ?? 0);
  if (existing >= corpus.length && !process.argv.includes('--force')) {
    console.log(`seed: ${existing} documents already there; nothing to do (--force loads the corpus again).`);
    return;
  }
  const started = Date.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < corpus.length) {
        const doc = corpus[next++]!;
        await load(doc);
        done += 1;
        if (done % 50 === 0) console.log(`seed: ${done}/${corpus.length}`);
      }
    }),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `seed: published ${corpus.length} documents (${corpus.filter((d) => d.kind === 'policy').length} policy documents, ${corpus.filter((d) => d.kind === 'article').length} articles) in ${seconds} s.`,
  );
  console.log(`seed: try ${gatewayUrl}/api/v1/search/documents?q=${encodeURIComponent('三会一课')}`);
}

main().catch((err: unknown) => {
  console.error(`seed: ${(err as Error).message}`);
  process.exit(1);
});
