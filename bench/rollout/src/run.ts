/**
 * A rolling upgrade under load, on this machine: N replicas of every built service and of the
 * gateway (behind stand-ins of kube-proxy and the ingress, see bench/platform), portal traffic
 * through the gateway the whole time, and every replica replaced one by one as the chart's
 * Deployment does it (a new one ready first; the old one out of the endpoints, preStop sleep,
 * SIGTERM, drain). Counts every answer that was not 2xx (the goal: 0), and checks that every
 * document whose creation was answered 201 is in the store once.
 *
 *   bash bench/rollout/run.sh [--replicas 3] [--concurrency 16] [--prestop-ms 5000] [--gateway-prestop-ms 10000]
 *                             [--endpoint-lag-ms 1000] [--grace-ms 25000] [--services content,member]
 *
 * `--prestop-ms 0 --gateway-prestop-ms 0` shows what the sleep is for: without it the requests
 * the balancer still sends during the endpoint lag meet a replica that is shutting down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { cleanupNamespace, repoRoot, stackUrls, uniqueNamespace } from '@repo/testbed';
import { commandOptions, sh } from '../../search-load/src/cli';
import { httpStep, runLoad, type Step } from '../../platform/src/load';
import { countMemberWrites, gatewaySide, memberDay, secretaryDay, seedMemberWorld } from '../../platform/src/member-world';
import { replaceReplica, staff, startLocalPlatform, type TerminationTiming } from '../../platform/src/platform';
import { sleep } from '../../platform/src/replicas';

const options = {
  replicas: 3,
  concurrency: 6,
  preStopMs: 5_000,
  gatewayPreStopMs: 10_000,
  endpointLagMs: 1_000,
  graceMs: 25_000,
  services: undefined as string[] | undefined,
  maxMinutes: 15,
};
for (const { arg, int, value } of commandOptions(process.argv.slice(2))) {
  switch (arg) {
    case '--replicas':
      options.replicas = int(2, 5);
      break;
    case '--concurrency':
      options.concurrency = int(1, 64);
      break;
    case '--prestop-ms':
      options.preStopMs = int(0, 30_000);
      break;
    case '--gateway-prestop-ms':
      options.gatewayPreStopMs = int(0, 30_000);
      break;
    case '--endpoint-lag-ms':
      options.endpointLagMs = int(0, 10_000);
      break;
    case '--grace-ms':
      options.graceMs = int(1_000, 120_000);
      break;
    case '--services':
      options.services = value().split(',');
      break;
    case '--max-minutes':
      options.maxMinutes = int(1, 60);
      break;
    default:
      throw new Error(`unknown option ${arg}`);
  }
}

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot(), 'bench/rollout/results');
  const logDir = join(resultsDir, stamp);
  mkdirSync(logDir, { recursive: true });
  // The run stops itself: the load ends with the rollout, and this is the backstop.
  const backstop = setTimeout(() => {
    console.error(`rollout: still running after ${options.maxMinutes} min, stopping`);
    process.exit(2);
  }, options.maxMinutes * 60_000);
  backstop.unref();

  const namespace = uniqueNamespace('roll');
  const platform = await startLocalPlatform({
    namespace,
    replicas: options.replicas,
    logDir,
    ...(options.services ? { only: options.services } : {}),
    // Sign-ins at seed time give the accounts tokens that outlive the run.
    env: { AUTH_ACCESS_TTL_SECONDS: '7200' },
  });
  console.log(`rollout: ${platform.services.join(', ')} and the gateway, ${options.replicas} replicas each, namespace ${namespace}`);
  const { editor } = staff(platform.tokenSecret);
  const base = platform.baseUrl;
  let serial = 0;
  const draft = () => {
    serial++;
    return {
      kind: 'policy',
      title: `滚动升级期间的通知（第${serial}号）`,
      docNumber: `江组发[2025]${serial}号`,
      agency: '中共江川省委组织部',
      docType: '通知',
      issuedAt: '2025-03-01',
      region: '全省',
      topics: ['组织建设'],
      body: '各级党组织要严格落实三会一课制度。',
    };
  };
  const created: string[] = [];
  if (platform.services.includes('content')) {
    const seed = await httpStep(base, 'POST', '/api/v1/documents', {
      headers: editor,
      body: draft(),
      signal: AbortSignal.timeout(10_000),
      idOf: true,
    });
    if (seed.status !== 201 || !seed.wrote) throw new Error(`seeding a document answered ${seed.status}`);
    created.push(seed.wrote);
  }

  const contentSteps: Step[] = [
    {
      name: 'search',
      weight: 40,
      send: (signal) => httpStep(base, 'GET', `/api/v1/search/documents?q=${encodeURIComponent('三会一课')}`, { signal }),
    },
    {
      name: 'suggest',
      weight: 15,
      send: (signal) => httpStep(base, 'GET', `/api/v1/search/suggest?q=${encodeURIComponent('三会')}`, { signal }),
    },
    {
      name: 'list drafts',
      weight: 10,
      send: (signal) => httpStep(base, 'GET', '/api/v1/documents?status=draft&size=10', { headers: editor, signal }),
    },
    {
      name: 'read a draft',
      weight: 25,
      send: (signal) =>
        httpStep(base, 'GET', `/api/v1/documents/${created[Math.floor(Math.random() * created.length)]}`, { headers: editor, signal }),
    },
    {
      name: 'create a draft',
      weight: 10,
      send: (signal) => httpStep(base, 'POST', '/api/v1/documents', { headers: editor, body: draft(), signal, idOf: true }),
    },
  ];

  // The member service's days (gateway side), when it runs: a member's reads and a secretary's
  // reads and writes (meetings, 1-fen payments), counted in the store afterwards like the drafts.
  const world = platform.services.includes('member') ? await seedMemberWorld(base, platform.tokenSecret) : undefined;
  const memberSteps = world
    ? [
        ...gatewaySide(
          memberDay(base, world, undefined, () => 0),
          'member: ',
        ),
        ...gatewaySide(
          secretaryDay(base, world, undefined, () => 0),
          'secretary: ',
        ),
      ]
    : [];
  const steps: Step[] = [...(platform.services.includes('content') ? contentSteps : []), ...memberSteps];
  const meetings: string[] = [];
  const payments: string[] = [];
  /** Every write a 2xx answer accepted, by the store it lands in. */
  const wrote = (step: string, id: string) => {
    if (step === 'secretary: record a meeting') meetings.push(id);
    else if (step === 'secretary: record a payment') payments.push(id);
    else created.push(id);
  };

  // Warm-up, not counted: every step once per replica behind the balancer, so the first search of
  // a fresh index (seconds on a loaded machine) is not taken for a rollout failure. A rollout
  // starts on a platform that has been serving.
  for (const step of steps)
    for (let i = 0; i < options.replicas; i++) {
      const answer = await step.send(AbortSignal.timeout(30_000));
      if (answer.status >= 300) console.log(`rollout: warm-up ${step.name} answered ${answer.status}`);
      if (answer.wrote) wrote(step.name, answer.wrote);
    }
  const events: { atMs: number; what: string }[] = [];
  const t0 = performance.now();
  const note = (what: string) => {
    events.push({ atMs: Math.round(performance.now() - t0), what });
    console.log(`rollout: ${(events.at(-1)!.atMs / 1000).toFixed(1)} s ${what}`);
  };
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const load = runLoad({
    steps,
    concurrency: options.concurrency,
    durationMs: options.maxMinutes * 60_000,
    stop: finished,
    onWrite: wrote,
  });

  const rollout = (async () => {
    await sleep(5_000);
    for (const service of [...platform.services, 'gateway']) {
      const pool = platform.pools.get(service)!;
      const timing: TerminationTiming = {
        preStopMs: service === 'gateway' ? options.gatewayPreStopMs : options.preStopMs,
        endpointLagMs: options.endpointLagMs,
        graceMs: options.graceMs,
      };
      for (const old of [...pool.replicas]) {
        note(`${service}: replacing the replica on port ${old.port}`);
        const { replacement, ended } = await replaceReplica(pool, old, timing, logDir);
        note(
          `${service}: port ${replacement.port} serving, port ${old.port} ${ended === 'exited' ? 'drained and exited' : 'KILLED after the grace period'}`,
        );
      }
    }
    await sleep(5_000);
  })();
  await rollout.finally(finish);
  const figures = await load;

  // Every creation answered 201 must be in the store, once.
  const mongo = new MongoClient(stackUrls().mongoUrl);
  await mongo.connect();
  const ids = [...new Set(created)];
  let present = 0;
  for (let i = 0; i < ids.length; i += 200) {
    present += await mongo
      .db(namespace)
      .collection('documents')
      .countDocuments({ _id: { $in: ids.slice(i, i + 200) } } as never);
  }
  await mongo.close();
  const memberWrites = world ? await countMemberWrites(stackUrls().mongoUrl, namespace, { meetings, payments }) : undefined;
  await platform.stop();
  await cleanupNamespace(namespace);

  const result = {
    date: new Date().toISOString(),
    machine: { cores: Number(sh('nproc', [])), load: sh('cat', ['/proc/loadavg']), node: process.version },
    options,
    services: platform.services,
    load: { ...figures, durations: undefined },
    writes: { accepted: ids.length, present, duplicates: created.length - ids.length },
    memberWrites,
    events,
  };
  writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(result, null, 2));
  console.log('\n| step | requests | non-2xx | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |');
  for (const [name, s] of Object.entries(figures.steps))
    console.log(`| ${name} | ${s.count} | ${s.failures} | ${s.ms.p50.toFixed(1)} | ${s.ms.p99.toFixed(1)} |`);
  console.log(
    `\n${figures.requests} requests in ${figures.seconds.toFixed(1)} s (${figures.rps.toFixed(0)}/s), non-2xx ${figures.failures}, hangs ${figures.hangs}; writes accepted ${ids.length}, in the store ${present}`,
  );
  if (memberWrites)
    console.log(
      `member: meetings accepted ${memberWrites.meetings.accepted}, in the store ${memberWrites.meetings.present}; payments accepted ${memberWrites.payments.accepted}, in the store ${memberWrites.payments.present} (twice: ${memberWrites.payments.duplicated})`,
    );
  if (figures.samples.length) console.log('first failures:', JSON.stringify(figures.samples.slice(0, 10)));
  console.log(`results: bench/rollout/results/${stamp}.json`);
  const memberIntact =
    !memberWrites ||
    (memberWrites.meetings.present === memberWrites.meetings.accepted &&
      memberWrites.payments.present === memberWrites.payments.accepted &&
      memberWrites.payments.duplicated === 0);
  process.exit(figures.failures === 0 && present === ids.length && memberIntact ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
