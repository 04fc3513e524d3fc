/**
 * Load scripts: realistic route mixes per service at fixed concurrency, each call made twice in
 * alternating slices, through the gateway (REST, as portals call it) and directly over gRPC to
 * the service (the same use case, signed caller assertions, no gateway), with k6-style
 * thresholds per scenario (p95, p99 and the error rate); the run fails when one is crossed.
 * The platform's design names k6; this workplace's package policy lists go.k6.io/k6 (AGPL-3.0)
 * as not to be used, so the scenarios run on the closed-loop runner of bench/platform (k6's
 * "constant VUs" model), in this repository, never in an image.
 *
 *   bash bench/load/run.sh [--concurrency 1,8] [--seconds 20] [--slices 2] [--replicas 1] [--scenarios public,editor] [--services content]
 *
 * Scenarios of services not built yet (feedback: the message board) are skipped with a line
 * saying so. The member service's days are in bench/platform/src/member-world.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RpcClient, httpStatusOf } from '@repo/grpc';
import * as pb from '@repo/proto/content/v1';
import { cleanupNamespace, credentialsFor, repoRoot, uniqueNamespace } from '@repo/testbed';
import { commandOptions, sh } from '../../search-load/src/cli';
import { round, summarize } from '../../search-load/src/stats';
import { httpStep, runLoad, type LoadFigures } from '../../platform/src/load';
import {
  memberDay,
  memberRpc,
  rpcStep,
  secretaryDay,
  seedMemberWorld,
  type DualStep,
  type MemberRpc,
  type MemberWorld,
} from '../../platform/src/member-world';
import { staff, startLocalPlatform, type LocalPlatform } from '../../platform/src/platform';
import { sleep, until } from '../../platform/src/replicas';

const options = {
  concurrency: [1, 8],
  seconds: 20,
  slices: 2,
  replicas: 1,
  scenarios: undefined as string[] | undefined,
  services: undefined as string[] | undefined,
  maxMinutes: 30,
  seed: 40,
};
for (const { arg, int, value } of commandOptions(process.argv.slice(2))) {
  switch (arg) {
    case '--concurrency':
      options.concurrency = value().split(',').map(Number);
      break;
    case '--seconds':
      options.seconds = int(2, 600);
      break;
    case '--slices':
      options.slices = int(1, 10);
      break;
    case '--replicas':
      options.replicas = int(1, 4);
      break;
    case '--scenarios':
      options.scenarios = value().split(',');
      break;
    case '--services':
      options.services = value().split(',');
      break;
    case '--seed':
      options.seed = int(1, 1_000);
      break;
    case '--max-minutes':
      options.maxMinutes = int(1, 120);
      break;
    default:
      throw new Error(`unknown option ${arg}`);
  }
}

/** k6-style thresholds of a scenario, over the gateway leg at each concurrency. */
interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  /** Share of answers that were not 2xx. */
  errorRate: number;
}

interface Scenario {
  name: string;
  /** The services it needs running. */
  needs: string[];
  summary: string;
  thresholds: Thresholds;
  steps(context: Context): DualStep[];
}

interface Context {
  base: string;
  content: RpcClient<typeof pb.ContentServiceService>;
  published: string[];
  drafts: string[];
  tokenSecret: string;
  /** The member service's world and clients, when it runs. */
  world?: MemberWorld;
  member?: MemberRpc;
}

/** A direct gRPC call as a step: 200 when it answers, the gateway's status of its error otherwise. */
const rpc = (work: () => Promise<unknown>) => rpcStep(work, httpStatusOf);

const queries = ['三会一课', '党风廉政建设', '组织建设', '主题教育', '八项规定', '党员发展', '基层党组织', '民主生活会'];
const prefixes = ['三会', '党风', '组织', 'bxgd', 'zhuti', '党员'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
let serial = 0;
const draftBody = () => {
  serial++;
  return {
    kind: 'policy',
    title: `关于加强基层党组织建设的通知（压测${serial}）`,
    docNumber: `江组发[2027]${serial}号`,
    agency: '中共江川省委组织部',
    docType: '通知',
    issuedAt: '2027-02-01',
    region: '全省',
    topics: ['组织建设', '三会一课'],
    body: '各级党组织要严格落实三会一课制度，支部党员大会每季度至少召开一次。\n\n要把党风廉政建设融入组织生活全过程。',
  };
};
const toDraft = (body: ReturnType<typeof draftBody>) =>
  pb.DocumentDraft.fromPartial({
    ...body,
    kind: pb.DocumentKind.DOCUMENT_KIND_POLICY,
    docType: body.docType,
    issuedAt: body.issuedAt,
    topics: body.topics,
  });

const editorCaller = { userId: 'bench-editor', roles: ['orgAdmin'], orgPath: '/1/7/' };

const scenarios: Scenario[] = [
  {
    name: 'public',
    needs: ['content'],
    summary: 'public search and reading: full-text search, suggestions as one types, a document, related documents',
    thresholds: { p95Ms: 500, p99Ms: 1_000, errorRate: 0.01 },
    steps: ({ base, content, published }) => [
      {
        name: 'search',
        weight: 50,
        gateway: (signal) => httpStep(base, 'GET', `/api/v1/search/documents?q=${encodeURIComponent(pick(queries))}`, { signal }),
        direct: async () =>
          rpc(async () =>
            content.call(
              'searchDocuments',
              pb.SearchDocumentsRequest.fromPartial({ query: pick(queries), page: { page: 1, size: 20 } }),
              await credentialsFor(),
            ),
          ),
      },
      {
        name: 'suggest',
        weight: 25,
        gateway: (signal) => httpStep(base, 'GET', `/api/v1/search/suggest?q=${encodeURIComponent(pick(prefixes))}`, { signal }),
        direct: async () =>
          rpc(async () =>
            content.call(
              'suggestDocuments',
              pb.SuggestDocumentsRequest.fromPartial({ prefix: pick(prefixes), size: 8 }),
              await credentialsFor(),
            ),
          ),
      },
      {
        name: 'read a document',
        weight: 20,
        gateway: (signal) => httpStep(base, 'GET', `/api/v1/documents/${pick(published)}`, { signal }),
        direct: async () =>
          rpc(async () => content.call('getDocument', pb.GetDocumentRequest.fromPartial({ id: pick(published) }), await credentialsFor())),
      },
      {
        name: 'related',
        weight: 5,
        gateway: (signal) => httpStep(base, 'GET', `/api/v1/documents/${pick(published)}/related?size=5`, { signal }),
        direct: async () =>
          rpc(async () =>
            content.call(
              'relatedDocuments',
              pb.RelatedDocumentsRequest.fromPartial({ id: pick(published), size: 5 }),
              await credentialsFor(),
            ),
          ),
      },
    ],
  },
  {
    name: 'editor',
    needs: ['content'],
    summary: "an editor's day: the drafts list, reading drafts, writing new ones",
    thresholds: { p95Ms: 1_000, p99Ms: 2_000, errorRate: 0.01 },
    steps: ({ base, content, drafts, tokenSecret }) => {
      const { editor } = staff(tokenSecret);
      return [
        {
          name: 'list drafts',
          weight: 30,
          gateway: (signal) => httpStep(base, 'GET', '/api/v1/documents?status=draft&size=20', { headers: editor, signal }),
          direct: async () =>
            rpc(async () =>
              content.call(
                'listDocuments',
                pb.ListDocumentsRequest.fromPartial({ status: pb.DocumentStatus.DOCUMENT_STATUS_DRAFT, page: { page: 1, size: 20 } }),
                await credentialsFor(editorCaller),
              ),
            ),
        },
        {
          name: 'read a draft',
          weight: 50,
          gateway: (signal) => httpStep(base, 'GET', `/api/v1/documents/${pick(drafts)}`, { headers: editor, signal }),
          direct: async () =>
            rpc(async () =>
              content.call('getDocument', pb.GetDocumentRequest.fromPartial({ id: pick(drafts) }), await credentialsFor(editorCaller)),
            ),
        },
        {
          name: 'write a draft',
          weight: 20,
          gateway: (signal) => httpStep(base, 'POST', '/api/v1/documents', { headers: editor, body: draftBody(), signal }),
          direct: async () =>
            rpc(async () =>
              content.call(
                'createDocument',
                pb.CreateDocumentRequest.fromPartial({ draft: toDraft(draftBody()) }),
                await credentialsFor(editorCaller),
              ),
            ),
        },
      ];
    },
  },
  {
    name: 'member',
    needs: ['member'],
    summary: "a member's day: signing in now and then, one's own record, the branch, its meetings, a dues quote",
    thresholds: { p95Ms: 500, p99Ms: 1_000, errorRate: 0.01 },
    steps: ({ base, world, member }) => (world ? memberDay(base, world, member, httpStatusOf) : []),
  },
  {
    name: 'secretary',
    needs: ['member'],
    summary: "a secretary's day: the branch's members and one of them, meetings recorded, the quarter's compliance, bills, 1-fen payments",
    thresholds: { p95Ms: 1_000, p99Ms: 2_000, errorRate: 0.01 },
    steps: ({ base, world, member }) => (world ? secretaryDay(base, world, member, httpStatusOf) : []),
  },
  {
    name: 'message-board',
    needs: ['feedback'],
    summary: 'message board traffic: reading and searching messages, posting, replying',
    thresholds: { p95Ms: 500, p99Ms: 1_000, errorRate: 0.01 },
    steps: () => [],
  },
];

async function seed(platform: LocalPlatform, count: number): Promise<{ published: string[]; drafts: string[] }> {
  const { editor, reviewer } = staff(platform.tokenSecret);
  const published: string[] = [];
  const drafts: string[] = [];
  for (let i = 0; i < count; i++) {
    const made = await httpStep(platform.baseUrl, 'POST', '/api/v1/documents', {
      headers: editor,
      body: draftBody(),
      signal: AbortSignal.timeout(10_000),
      idOf: true,
    });
    if (made.status !== 201 || !made.wrote) throw new Error(`seeding: create answered ${made.status}`);
    if (i % 4 === 3) {
      drafts.push(made.wrote);
      continue;
    }
    for (const [who, step] of [
      [editor, 'submit'],
      [reviewer, 'approve'],
      [reviewer, 'publish'],
    ] as const) {
      const answer = await httpStep(platform.baseUrl, 'POST', `/api/v1/documents/${made.wrote}/${step}`, {
        headers: who,
        body: {},
        signal: AbortSignal.timeout(10_000),
      });
      if (answer.status !== 200) throw new Error(`seeding: ${step} answered ${answer.status}`);
    }
    published.push(made.wrote);
  }
  // Searchable once indexed.
  await until(
    'the seeded documents indexed',
    async () => {
      const answer = await fetch(`${platform.baseUrl}/api/v1/search/documents?q=${encodeURIComponent('三会一课')}&size=1`);
      return answer.ok && ((await answer.json()) as { total: number }).total >= published.length;
    },
    60_000,
    500,
  );
  return { published, drafts };
}

interface Leg {
  figures: LoadFigures[];
}

/** One leg's figures over its slices, merged. */
function merge(figures: LoadFigures[]) {
  const seconds = figures.reduce((s, f) => s + f.seconds, 0);
  const requests = figures.reduce((s, f) => s + f.requests, 0);
  const failures = figures.reduce((s, f) => s + f.failures, 0);
  return {
    seconds: round(seconds, 1),
    requests,
    rps: round(requests / seconds, 1),
    failures,
    errorRate: requests ? failures / requests : 0,
  };
}

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot(), 'bench/load/results');
  const logDir = join(resultsDir, stamp);
  mkdirSync(logDir, { recursive: true });
  const backstop = setTimeout(() => {
    console.error(`load: still running after ${options.maxMinutes} min, stopping`);
    process.exit(2);
  }, options.maxMinutes * 60_000);
  backstop.unref();

  const namespace = uniqueNamespace('load');
  const platform = await startLocalPlatform({
    namespace,
    replicas: options.replicas,
    logDir,
    ...(options.services ? { only: options.services } : {}),
    // Sign-ins at seed time give the accounts tokens that outlive the run.
    env: { AUTH_ACCESS_TTL_SECONDS: '7200' },
  });
  const running = (name: string) => platform.services.includes(name);
  // The content client is made even without content (its scenarios are skipped, nothing calls it).
  const content = new RpcClient(pb.ContentServiceService, `127.0.0.1:${platform.pools.get('content')?.port ?? 1}`, 5_000);
  const member = running('member') ? memberRpc(`127.0.0.1:${platform.pools.get('member')!.port}`) : undefined;
  const results: Record<string, unknown>[] = [];
  const crossed: string[] = [];
  try {
    const seeded = running('content') ? await seed(platform, options.seed) : { published: [], drafts: [] };
    const world = running('member') ? await seedMemberWorld(platform.baseUrl, platform.tokenSecret) : undefined;
    const context: Context = {
      base: platform.baseUrl,
      content,
      ...seeded,
      tokenSecret: platform.tokenSecret,
      ...(world ? { world } : {}),
      ...(member ? { member } : {}),
    };
    for (const scenario of scenarios.filter((s) => !options.scenarios || options.scenarios.includes(s.name))) {
      const missing = scenario.needs.filter((n) => !platform.services.includes(n));
      const steps = scenario.steps(context);
      if (missing.length || steps.length === 0) {
        console.log(
          `load: scenario ${scenario.name} (${scenario.summary}) skipped: ${missing.length ? `${missing.join(', ')} not built` : 'no steps yet'}`,
        );
        results.push({ scenario: scenario.name, skipped: missing.length ? `${missing.join(', ')} not built` : 'no steps yet' });
        continue;
      }
      for (const concurrency of options.concurrency) {
        const legs: Record<'gateway' | 'direct', Leg> = { gateway: { figures: [] }, direct: { figures: [] } };
        // Warm-up, then the legs in alternating slices, so other load on the machine falls on both alike.
        for (const leg of ['gateway', 'direct'] as const)
          await runLoad({ steps: steps.map((s) => ({ name: s.name, weight: s.weight, send: s[leg] })), concurrency, durationMs: 3_000 });
        for (let slice = 0; slice < options.slices; slice++) {
          for (const leg of ['gateway', 'direct'] as const) {
            legs[leg].figures.push(
              await runLoad({
                steps: steps.map((s) => ({ name: s.name, weight: s.weight, send: s[leg] })),
                concurrency,
                durationMs: (options.seconds * 1000) / options.slices,
              }),
            );
          }
        }
        // Exact percentiles over every request of the leg, all slices together.
        const row: Record<string, unknown> = { scenario: scenario.name, concurrency };
        for (const leg of ['gateway', 'direct'] as const) {
          const merged = merge(legs[leg].figures);
          const { p50, p95, p99 } = summarize(legs[leg].figures.flatMap((f) => f.durations));
          row[leg] = {
            ...merged,
            p50: round(p50, 1),
            p95: round(p95, 1),
            p99: round(p99, 1),
            steps: legs[leg].figures.map((f) => f.steps),
          };
          if (leg === 'gateway') {
            const t = scenario.thresholds;
            if (p95 > t.p95Ms) crossed.push(`${scenario.name} c=${concurrency}: p95 ${round(p95, 1)} ms > ${t.p95Ms}`);
            if (p99 > t.p99Ms) crossed.push(`${scenario.name} c=${concurrency}: p99 ${round(p99, 1)} ms > ${t.p99Ms}`);
            if (merged.errorRate > t.errorRate)
              crossed.push(
                `${scenario.name} c=${concurrency}: error rate ${(merged.errorRate * 100).toFixed(2)} % > ${t.errorRate * 100} %`,
              );
          }
        }
        results.push(row);
        const g = row.gateway as { rps: number; p95: number; p99: number; failures: number };
        const d = row.direct as { rps: number; p95: number; p99: number; failures: number };
        console.log(
          `load: ${scenario.name} c=${concurrency}: gateway ${g.rps}/s p95 ${g.p95} p99 ${g.p99} (${g.failures} non-2xx); direct gRPC ${d.rps}/s p95 ${d.p95} p99 ${d.p99} (${d.failures})`,
        );
        await sleep(1_000);
      }
    }
  } finally {
    content.close();
    member?.close();
    await platform.stop();
    await cleanupNamespace(namespace);
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cores: Number(sh('nproc', [])), load: sh('cat', ['/proc/loadavg']), node: process.version },
    options,
    services: platform.services,
    thresholdsCrossed: crossed,
    results,
  };
  writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(result, null, 2));
  console.log(
    '\n| scenario | concurrency | gateway rps | p95 ms | p99 ms | non-2xx | direct gRPC rps | p95 ms | p99 ms | non-OK |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const row of results) {
    if (row.skipped) {
      console.log(`| ${row.scenario as string} | skipped: ${row.skipped as string} | | | | | | | | |`);
      continue;
    }
    const g = row.gateway as { rps: number; p95: number; p99: number; failures: number };
    const d = row.direct as { rps: number; p95: number; p99: number; failures: number };
    console.log(
      `| ${row.scenario as string} | ${row.concurrency as number} | ${g.rps} | ${g.p95} | ${g.p99} | ${g.failures} | ${d.rps} | ${d.p95} | ${d.p99} | ${d.failures} |`,
    );
  }
  console.log(crossed.length ? `\nthresholds crossed:\n  ${crossed.join('\n  ')}` : '\nevery threshold held');
  console.log(`results: bench/load/results/${stamp}.json`);
  process.exit(crossed.length ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
