/**
 * The fault suite: writes and reads flow through the gateway while, one after another, every
 * service (all its replicas), one gateway replica, NATS, FerretDB, PostgreSQL and Elasticsearch
 * are killed with SIGKILL, left down for a while and started again. Then it counts, per fault and
 * in total: every accepted write present exactly once in the store, every published document in
 * the search index exactly once (the indexer's effect of every event) and none that is not,
 * events given up on (dead letters), the answers during each outage (503 with Retry-After, other
 * statuses), and requests that got no answer within the deadline (hangs).
 *
 * It kills the stack's servers: it refuses to run unless the stack is one of its own (STACK_DIR
 * other than the repository's .local, ports other than the defaults): bench/faults/run.sh
 * starts one. Loopback only; every phase and the whole run are bounded in time.
 *
 *   bash bench/faults/run.sh [--outage-s 10] [--writers 4] [--readers 2] [--replicas 2] [--only content,...] [--faults nats,ferretdb,...]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { cleanupNamespace, repoRoot, stackUrls, streamEvents, uniqueNamespace } from '@repo/testbed';
import { commandOptions, sh } from '../../search-load/src/cli';
import { httpStep } from '../../platform/src/load';
import { countMemberWrites, memberProfile, seedMemberWorld } from '../../platform/src/member-world';
import { staff, startLocalPlatform, type Pool } from '../../platform/src/platform';
import { Replica, sleep, until } from '../../platform/src/replicas';

const run = promisify(execFile);
const stackComponents = ['nats', 'ferretdb', 'postgres', 'elasticsearch'] as const;
type StackComponent = (typeof stackComponents)[number];

const options = {
  outageS: 10,
  writers: 4,
  readers: 2,
  replicas: 2,
  only: undefined as string[] | undefined,
  faults: undefined as string[] | undefined,
  recoveryS: 120,
  maxMinutes: 30,
  deadlineMs: 10_000,
};
for (const { arg, int, value } of commandOptions(process.argv.slice(2))) {
  switch (arg) {
    case '--outage-s':
      options.outageS = int(1, 120);
      break;
    case '--writers':
      options.writers = int(1, 32);
      break;
    case '--readers':
      options.readers = int(0, 32);
      break;
    case '--replicas':
      options.replicas = int(1, 4);
      break;
    case '--only':
      options.only = value().split(',');
      break;
    case '--faults':
      options.faults = value().split(',');
      break;
    case '--recovery-s':
      options.recoveryS = int(10, 600);
      break;
    case '--max-minutes':
      options.maxMinutes = int(5, 120);
      break;
    default:
      throw new Error(`unknown option ${arg}`);
  }
}

/** The stack must be this run's own: it is killed with SIGKILL, part by part. */
function ownStackDir(): string {
  const dir = process.env.STACK_DIR;
  const shared = resolve(repoRoot(), '.local');
  if (!dir || resolve(dir) === shared)
    throw new Error(
      "the fault suite kills the stack's servers: run it on a stack of its own (bench/faults/run.sh starts one; STACK_DIR must not be the repository's .local)",
    );
  const defaults: Record<string, string> = { MONGO_PORT: '27017', NATS_PORT: '4222', ES_PORT: '9200', PG_PORT: '54320' };
  for (const [name, port] of Object.entries(defaults)) {
    if ((process.env[name] ?? port) === port)
      throw new Error(
        `${name} is the default port ${port}, the shared stack's: give the suite's stack its own ports (bench/faults/run.sh does)`,
      );
  }
  return resolve(dir);
}

/** The pid of a running stack component of this stack (read from its pid file, checked against /proc). */
function componentPid(stackDir: string, component: StackComponent): number {
  const file =
    component === 'elasticsearch' ? join(stackDir, 'run/elasticsearch/elasticsearch.pid') : join(stackDir, `run/${component}.pid`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!cmdline.includes(stackDir)) throw new Error(`pid ${pid} of ${component} is not this stack's (${stackDir})`);
  return pid;
}

/**
 * Starts a component again with the stack's script, asynchronously: the load goes on meanwhile
 * (a synchronous wait would stall this process's own clients and count their waits as hangs).
 */
async function startComponent(component: StackComponent): Promise<void> {
  await run('bash', [join(repoRoot(), 'deploy/local/start.sh'), component], { timeout: 300_000 });
}

interface Answer {
  atMs: number;
  step: string;
  status: string;
  retryAfter: boolean;
}

interface FaultFigures {
  fault: string;
  outageMs: number;
  /** From the restart until a write is accepted again. */
  recoveryMs: number;
  during: {
    requests: number;
    ok: number;
    unavailableWithRetryAfter: number;
    unavailableWithout: number;
    other: Record<string, number>;
    hangs: number;
    /** The answers that were not 2xx, by step and status. */
    byStep: Record<string, Record<string, number>>;
  };
  after: { requests: number; ok: number; failures: number };
}

async function main(): Promise<void> {
  const stackDir = ownStackDir();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot(), 'bench/faults/results');
  const logDir = join(resultsDir, stamp);
  mkdirSync(logDir, { recursive: true });
  const backstop = setTimeout(() => {
    console.error(`faults: still running after ${options.maxMinutes} min, stopping`);
    process.exit(2);
  }, options.maxMinutes * 60_000);
  backstop.unref();

  const namespace = uniqueNamespace('faults');
  const platform = await startLocalPlatform({
    namespace,
    replicas: options.replicas,
    logDir,
    ...(options.only ? { only: options.only } : {}),
    // Sign-ins at seed time give the member world's accounts tokens that outlive the run.
    env: { AUTH_ACCESS_TTL_SECONDS: '7200' },
  });
  const faults = [...platform.services, 'gateway', ...stackComponents].filter((f) => !options.faults || options.faults.includes(f));
  console.log(
    `faults: ${platform.services.join(', ')} and the gateway, ${options.replicas} replicas each; faults in turn: ${faults.join(', ')}; namespace ${namespace}`,
  );
  const { editor, reviewer } = staff(platform.tokenSecret);
  const base = platform.baseUrl;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const answers: Answer[] = [];
  const record = (step: string, status: number | string, retryAfter: string | null | undefined) =>
    answers.push({ atMs: now(), step, status: String(status), retryAfter: Boolean(retryAfter) });
  /** One request of the load: its status ('hang' past the deadline, 'error' when no HTTP answer). */
  const send = async (step: string, method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    try {
      const answer = await httpStep(base, method, path, {
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(options.deadlineMs),
        idOf: method === 'POST' && (path === '/api/v1/documents' || path === '/api/v1/meetings' || path === '/api/v1/members'),
      });
      record(step, answer.status, answer.retryAfter);
      return answer;
    } catch (err) {
      const name = (err as Error).name;
      record(step, name === 'TimeoutError' || name === 'AbortError' ? 'hang' : 'error', null);
      return undefined;
    }
  };

  // The writes: each writer creates documents and takes each through review to publication.
  const created = new Set<string>();
  const attempted = new Set<string>();
  const published = new Set<string>();
  let running = true;
  let serial = 0;
  const writer = async () => {
    while (running) {
      serial++;
      const title = `故障演练通知（${namespace}-${serial}）`;
      attempted.add(title);
      const body = {
        kind: 'policy',
        title,
        docNumber: `江组发[2026]${serial}号`,
        agency: '中共江川省委组织部',
        docType: '通知',
        issuedAt: '2026-01-05',
        region: '全省',
        topics: ['组织建设'],
        body: '各级党组织要严格落实三会一课制度。',
      };
      const made = await send('create', 'POST', '/api/v1/documents', editor, body);
      if (made?.status !== 201 || !made.wrote) {
        await sleep(200);
        continue;
      }
      const id = made.wrote;
      created.add(id);
      // Each step is tried until it is accepted (bounded), as a portal's user would press again.
      for (const [step, who, path] of [
        ['submit', editor, `/api/v1/documents/${id}/submit`],
        ['approve', reviewer, `/api/v1/documents/${id}/approve`],
        ['publish', reviewer, `/api/v1/documents/${id}/publish`],
      ] as const) {
        let done = false;
        for (let attempt = 0; attempt < 40 && running && !done; attempt++) {
          const answer = await send(step, 'POST', path, who, step === 'approve' ? { note: '同意' } : {});
          // 409: an earlier try was applied although its answer was lost; the step is done.
          done = answer?.status === 200 || answer?.status === 409;
          if (step === 'publish' && answer?.status === 200) published.add(id);
          if (!done) await sleep(500);
        }
        if (!done) break;
      }
    }
  };
  const reader = async () => {
    while (running) {
      await send('search', 'GET', `/api/v1/search/documents?q=${encodeURIComponent('三会一课')}`, {});
      await sleep(50);
    }
  };
  // The member service's writes, when it runs: a secretary records meetings (no idempotency key:
  // a topic per attempt tells an applied write whose answer was lost) and dues payments, each
  // pressed again with the same reference until answered (201 recorded, 200 already recorded:
  // the reference is the payment's idempotency key, so a retry must not pay twice).
  const world = platform.services.includes('member') ? await seedMemberWorld(base, platform.tokenSecret) : undefined;
  const meetings = new Set<string>();
  const meetingTopics = new Set<string>();
  const payments = new Set<string>();
  const paymentsTried = new Set<string>();
  const memberWriter = async (n: number) => {
    const branch = world!.branches[n % world!.branches.length]!;
    const secretary = branch.secretary.headers;
    let k = 0;
    while (running) {
      k++;
      const topic = `故障演练支委会（${namespace}-${n}-${k}）`;
      meetingTopics.add(topic);
      const meeting = await send('meeting', 'POST', '/api/v1/meetings', secretary, {
        organizationId: branch.id,
        type: 'committeeMeeting',
        date: new Date().toISOString().slice(0, 10),
        topic,
        minutes: '传达学习上级精神。',
        attendance: { present: branch.members.slice(0, 3) },
      });
      if (meeting?.status === 201 && meeting.wrote) meetings.add(meeting.wrote);
      const reference = `faults-${namespace}-${n}-${k}`;
      paymentsTried.add(reference);
      const memberId = branch.members[k % branch.members.length]!;
      for (let attempt = 0; attempt < 40 && running; attempt++) {
        const paid = await send('payment', 'POST', '/api/v1/dues/payments', secretary, {
          memberId,
          month: world!.month,
          amountFen: 1,
          reference,
        });
        if (paid?.status === 201 || paid?.status === 200) {
          payments.add(reference);
          break;
        }
        await sleep(500);
      }
      if (!meeting || meeting.status !== 201) await sleep(200);
    }
  };
  // New members, created by each branch's secretary; a press without an answer is pressed again
  // with the same profile: 201 created, 409 (MEMBER_NATIONAL_ID_TAKEN) an earlier press was applied.
  const membersCreated = new Set<string>();
  const memberNames = new Set<string>();
  const memberCreator = async (n: number) => {
    const branch = world!.branches[(n + 1) % world!.branches.length]!;
    while (running) {
      const profile = memberProfile(branch.id);
      memberNames.add(profile.name);
      for (let attempt = 0; attempt < 40 && running; attempt++) {
        const made = await send('member', 'POST', '/api/v1/members', branch.secretary.headers, profile);
        if (made?.status === 201 && made.wrote) membersCreated.add(made.wrote);
        if (made?.status === 201 || made?.status === 409) break;
        await sleep(500);
      }
      await sleep(100);
    }
  };
  const workers = [
    ...(platform.services.includes('content') ? Array.from({ length: options.writers }, writer) : []),
    ...(platform.services.includes('content') ? Array.from({ length: options.readers }, reader) : []),
    ...(world ? Array.from({ length: Math.max(1, Math.floor(options.writers / 2)) }, (_, n) => memberWriter(n)) : []),
    ...(world ? Array.from({ length: Math.max(1, Math.floor(options.writers / 2)) }, (_, n) => memberCreator(n)) : []),
  ];

  /** The write steps of each running service: after a fault, each must have a write accepted again. */
  const writeSteps: Record<string, string> = { content: 'create', member: 'member' };
  const writeAccepted = async (fault: string, sinceMs: number) => {
    // A service without writers of its own (a consumer: learning, supervision) is back when every writer's write is.
    const services = writeSteps[fault] && platform.services.includes(fault) ? [fault] : platform.services.filter((s) => writeSteps[s]);
    await until(
      `a write accepted again (${services.join(', ')})`,
      async () => services.every((s) => answers.some((a) => a.atMs > sinceMs && a.step === writeSteps[s] && a.status === '201')),
      options.recoveryS * 1000,
      200,
    );
  };

  const figures: FaultFigures[] = [];
  await sleep(5_000);
  for (const fault of faults) {
    const downAt = now();
    console.log(`faults: ${(downAt / 1000).toFixed(1)} s kill -9 ${fault}`);
    let restart: () => Promise<void>;
    if (fault === 'gateway') {
      // One of the gateway's replicas: the ingress keeps sending to it until its endpoint goes.
      restart = await killReplicas(platform.pools.get('gateway')!, 1, logDir);
    } else if ((stackComponents as readonly string[]).includes(fault)) {
      const component = fault as StackComponent;
      process.kill(componentPid(stackDir, component), 'SIGKILL');
      restart = () => startComponent(component);
    } else {
      restart = await killReplicas(platform.pools.get(fault)!, options.replicas, logDir);
    }
    await sleep(options.outageS * 1000);
    const restartAt = now();
    console.log(`faults: ${(restartAt / 1000).toFixed(1)} s starting ${fault} again`);
    await restart();
    await writeAccepted(fault, restartAt);
    const recoveredAt = now();
    console.log(`faults: ${(recoveredAt / 1000).toFixed(1)} s writes accepted again`);
    await sleep(5_000);
    figures.push(summarize(fault, answers, downAt, restartAt, recoveredAt, now()));
  }
  running = false;
  await Promise.all(workers);

  // Let the relays and consumers finish, then count.
  const counts = {
    ...(platform.services.includes('content') ? await settleAndCount(namespace, { created, attempted, published }) : {}),
    ...(world
      ? {
          member: await countMember(namespace, { meetings, meetingTopics, payments, paymentsTried, membersCreated, memberNames }),
          // A count that cannot be made is reported as such, not lost with the rest of the figures.
          ...(await countConsumers(namespace, platform.services, membersCreated).catch((err: unknown) => ({
            consumersError: (err as Error).message,
          }))),
        }
      : {}),
  };
  await platform.stop();
  await cleanupNamespace(namespace);

  const hangs = answers.filter((a) => a.status === 'hang').length;
  const result = {
    date: new Date().toISOString(),
    machine: { cores: Number(sh('nproc', [])), load: sh('cat', ['/proc/loadavg']), node: process.version },
    options,
    services: platform.services,
    requests: answers.length,
    hangs,
    counts,
    faults: figures,
    /** Every answer: ms since the start, step, status (for a closer look at one fault). */
    answers: answers.map((a) => [Math.round(a.atMs), a.step, a.status]),
  };
  writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(result, null, 2));
  console.log(
    '\n| fault | outage s | recovery s | requests during | 2xx | 503 + Retry-After | 503 without | other non-2xx | hangs |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const f of figures) {
    const other =
      Object.entries(f.during.other)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ') || '0';
    console.log(
      `| ${f.fault} | ${(f.outageMs / 1000).toFixed(1)} | ${(f.recoveryMs / 1000).toFixed(1)} | ${f.during.requests} | ${f.during.ok} | ${f.during.unavailableWithRetryAfter} | ${f.during.unavailableWithout} | ${other} | ${f.during.hangs} |`,
    );
  }
  for (const f of figures)
    if (Object.keys(f.during.byStep).length) console.log(`${f.fault}: not 2xx by step ${JSON.stringify(f.during.byStep)}`);
  console.log(`\n${answers.length} requests, ${hangs} without an answer within ${options.deadlineMs / 1000} s`);
  console.log(JSON.stringify(counts, null, 2));
  console.log(`results: bench/faults/results/${stamp}.json`);
  const content = 'store' in counts && counts.store && counts.index ? { store: counts.store, index: counts.index } : undefined;
  const member = 'member' in counts ? counts.member : undefined;
  const learning = 'learning' in counts ? (counts.learning as Record<string, number>) : undefined;
  const auditLog = 'auditLog' in counts ? (counts.auditLog as Record<string, number>) : undefined;
  const consumersOnce =
    !('consumersError' in counts) &&
    (!learning || (learning.learnersMissing === 0 && learning.portraitsMissing === 0 && learning.portraitsTwice === 0)) &&
    (!auditLog || (auditLog.missing === 0 && auditLog.twice === 0));
  const exactlyOnce =
    (!content ||
      (content.store.missing === 0 &&
        content.store.duplicated === 0 &&
        content.store.publishedLost === 0 &&
        content.index.missing === 0 &&
        content.index.unexpected === 0)) &&
    (!member ||
      (member.members.missing === 0 &&
        member.members.duplicated === 0 &&
        member.members.eventsMissing === 0 &&
        member.members.eventsDuplicated === 0 &&
        member.meetings.missing === 0 &&
        member.meetings.duplicated === 0 &&
        member.meetings.eventsMissing === 0 &&
        member.meetings.eventsDuplicated === 0 &&
        member.payments.missing === 0 &&
        member.payments.duplicated === 0 &&
        member.payments.eventsMissing === 0 &&
        member.payments.eventsDuplicated === 0));
  process.exit(exactlyOnce && consumersOnce && hangs === 0 ? 0 : 1);
}

/**
 * Kills `count` replicas of the pool with SIGKILL; their endpoints go when the readiness probe
 * notices (5 s here: periodSeconds 5 x failureThreshold 2 is up to 10 s). Answers how to bring
 * them back: new replicas (new ports, as new pods get new addresses), in the pool once ready.
 */
async function killReplicas(pool: Pool, count: number, logDir: string): Promise<() => Promise<void>> {
  const victims = pool.replicas.slice(0, count);
  await Promise.all(victims.map((r) => r.kill()));
  void sleep(5_000).then(() => victims.forEach((r) => pool.balancer.remove(r.port)));
  return async () => {
    for (const r of victims) pool.balancer.remove(r.port);
    pool.replicas.splice(0, count);
    const fresh = await Promise.all(
      victims.map(() =>
        Replica.start({
          service: pool.service,
          env: pool.env,
          logDir,
          ...(pool.readyServices ? { readyServices: pool.readyServices } : {}),
        }),
      ),
    );
    for (const replica of fresh) {
      pool.replicas.push(replica);
      await replica.waitReady(180_000);
      pool.balancer.add(replica.port);
    }
  };
}

function summarize(fault: string, answers: Answer[], downAt: number, restartAt: number, recoveredAt: number, endAt: number): FaultFigures {
  const during = answers.filter((a) => a.atMs >= downAt && a.atMs < recoveredAt);
  const after = answers.filter((a) => a.atMs >= recoveredAt && a.atMs < endAt);
  const other: Record<string, number> = {};
  const byStep: Record<string, Record<string, number>> = {};
  for (const a of during) {
    if (/^2/.test(a.status)) continue;
    if (a.status !== '503' && a.status !== 'hang') other[a.status] = (other[a.status] ?? 0) + 1;
    const step = (byStep[a.step] ??= {});
    step[a.status] = (step[a.status] ?? 0) + 1;
  }
  return {
    fault,
    outageMs: restartAt - downAt,
    recoveryMs: recoveredAt - restartAt,
    during: {
      requests: during.length,
      ok: during.filter((a) => /^2/.test(a.status)).length,
      unavailableWithRetryAfter: during.filter((a) => a.status === '503' && a.retryAfter).length,
      unavailableWithout: during.filter((a) => a.status === '503' && !a.retryAfter).length,
      other,
      hangs: during.filter((a) => a.status === 'hang').length,
      byStep,
    },
    after: {
      requests: after.length,
      ok: after.filter((a) => /^2/.test(a.status)).length,
      failures: after.filter((a) => !/^2/.test(a.status)).length,
    },
  };
}

/** Waits (bounded) until the outboxes are empty and the indexer caught up, then counts. */
async function settleAndCount(namespace: string, writes: { created: Set<string>; attempted: Set<string>; published: Set<string> }) {
  const urls = stackUrls();
  const mongo = new MongoClient(urls.mongoUrl);
  const es = new Client({ node: urls.elasticsearchUrl });
  const nc = await connect({ servers: urls.natsUrl });
  try {
    await mongo.connect();
    const documents = mongo.db(namespace).collection<{ _id: string; title: string; status: string }>('documents');
    const jsm = await nc.jetstreamManager();
    const stream = `${namespace.toUpperCase()}_CONTENT`;
    await until(
      'the outboxes empty and the indexer caught up',
      async () => {
        const pending = await documents.countDocuments({ outboxPending: true } as never);
        const info = await jsm.consumers.info(stream, 'content-indexer');
        return pending === 0 && info.num_pending === 0 && info.num_ack_pending === 0;
      },
      180_000,
      1_000,
    );
    await es.indices.refresh({ index: `${namespace}-content-documents` });

    // Store: every accepted creation there once; titles attempted but not accepted that exist anyway.
    const stored = await documents.find({}, { projection: { _id: 1, title: 1, status: 1 } }).toArray();
    const byId = new Map(stored.map((d) => [String(d._id), d]));
    const titles = new Map<string, number>();
    for (const d of stored) titles.set(d.title, (titles.get(d.title) ?? 0) + 1);
    const acceptedTitles = new Set([...writes.created].map((id) => byId.get(id)?.title).filter(Boolean));
    const store = {
      accepted: writes.created.size,
      present: [...writes.created].filter((id) => byId.has(id)).length,
      missing: [...writes.created].filter((id) => !byId.has(id)).length,
      duplicated: [...titles.values()].filter((n) => n > 1).length,
      /** Creations answered with an error (or not at all) that the store holds anyway (the answer was lost). */
      appliedWithoutAnswer: [...writes.attempted].filter((t) => !acceptedTitles.has(t) && (titles.get(t) ?? 0) > 0).length,
      publishedAccepted: writes.published.size,
      publishedInStore: stored.filter((d) => d.status === 'published').length,
      /** Publications answered 200 whose document is not published in the store (a lost write), with their statuses. */
      publishedLost: [...writes.published].filter((id) => byId.get(id)?.status !== 'published').length,
      publishedLostSample: [...writes.published]
        .filter((id) => byId.get(id)?.status !== 'published')
        .slice(0, 10)
        .map((id) => `${id}: ${byId.get(id)?.status ?? 'absent'}`),
    };

    // Index: exactly the published documents, each once.
    const hits = await es.search<{ status?: string }>({
      index: `${namespace}-content-documents`,
      size: 10_000,
      _source: false,
      query: { match_all: {} },
    });
    const indexed = hits.hits.hits.map((h) => h._id!);
    const publishedIds = stored.filter((d) => d.status === 'published').map((d) => String(d._id));
    const index = {
      documents: indexed.length,
      distinct: new Set(indexed).size,
      missing: publishedIds.filter((id) => !indexed.includes(id)).length,
      unexpected: indexed.filter((id) => !publishedIds.includes(id)).length,
    };

    // Events given up on.
    let deadLetters = 0;
    try {
      deadLetters = (await jsm.streams.info(`${namespace.toUpperCase()}_DLQ`)).state.messages;
    } catch {
      deadLetters = 0;
    }
    const indexer = await jsm.consumers.info(stream, 'content-indexer');
    return { store, index, deadLetters, indexer: { delivered: indexer.delivered.stream_seq, redelivered: indexer.num_redelivered } };
  } finally {
    await nc.close();
    await es.close();
    await mongo.close();
  }
}

/**
 * The member service's counts, once its outbox is empty: every meeting answered 201 in the store
 * once and its `member.meeting.recorded` event in the stream once; every payment answered (201 or
 * 200) in its bill once and its `member.dues.paid` event once; writes applied whose answer was lost.
 */
async function countMember(
  namespace: string,
  writes: {
    meetings: Set<string>;
    meetingTopics: Set<string>;
    payments: Set<string>;
    paymentsTried: Set<string>;
    membersCreated: Set<string>;
    memberNames: Set<string>;
  },
) {
  const mongo = new MongoClient(stackUrls().mongoUrl);
  await mongo.connect();
  try {
    const db = mongo.db(namespace);
    await until(
      "the member service's outbox empty",
      async () =>
        (await db.collection('meetings').countDocuments({ outboxPending: true } as never)) === 0 &&
        (await db.collection('duesBills').countDocuments({ outboxPending: true } as never)) === 0 &&
        (await db.collection('members').countDocuments({ outboxPending: true } as never)) === 0,
      180_000,
      1_000,
    );
  } finally {
    await mongo.close();
  }
  const accepted = await countMemberWrites(stackUrls().mongoUrl, namespace, {
    meetings: [...writes.meetings],
    payments: [...writes.payments],
  });
  const unanswered = await countMemberWrites(stackUrls().mongoUrl, namespace, {
    meetings: [],
    payments: [...writes.paymentsTried].filter((r) => !writes.payments.has(r)),
  });
  const mongoTopics = new MongoClient(stackUrls().mongoUrl);
  await mongoTopics.connect();
  const topics = await mongoTopics
    .db(namespace)
    .collection<{ _id: string; topic: string }>('meetings')
    .find({ topic: { $in: [...writes.meetingTopics] } }, { projection: { topic: 1 } })
    .toArray();
  // The members of this run by name (each profile's name is its own): one each, whatever the presses.
  const storedMembers = await mongoTopics
    .db(namespace)
    .collection<{ _id: string; name: string }>('members')
    .find({ name: { $in: [...writes.memberNames] } }, { projection: { name: 1 } })
    .toArray();
  await mongoTopics.close();
  const tally = (values: string[]) => {
    const seen = new Map<string, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    return seen;
  };
  const byTopic = tally(topics.map((m) => m.topic));
  const byName = tally(storedMembers.map((m) => m.name));
  const storedMemberIds = new Set(storedMembers.map((m) => String(m._id)));
  const createdEvents = tally((await streamEvents(namespace, 'member.member.created')).map((e) => e.subjectId));
  const recorded = tally((await streamEvents(namespace, 'member.meeting.recorded')).map((e) => e.subjectId));
  const paid = tally((await streamEvents(namespace, 'member.dues.paid')).map((e) => String(e.data.reference)));
  return {
    members: {
      accepted: writes.membersCreated.size,
      present: [...writes.membersCreated].filter((id) => storedMemberIds.has(id)).length,
      missing: [...writes.membersCreated].filter((id) => !storedMemberIds.has(id)).length,
      /** Names the store holds more than once (one profile recorded twice). */
      duplicated: [...byName.values()].filter((n) => n > 1).length,
      /** Members of this run in the store whose creation was not answered 201 (a later press answered 409, or none). */
      appliedWithoutAnswer: storedMembers.filter((m) => !writes.membersCreated.has(String(m._id))).length,
      /** Of every member of this run in the store (answered or not): its member.member.created event. */
      eventsMissing: [...storedMemberIds].filter((id) => !createdEvents.has(id)).length,
      eventsDuplicated: [...storedMemberIds].filter((id) => (createdEvents.get(id) ?? 0) > 1).length,
    },
    meetings: {
      ...accepted.meetings,
      /** Topics the store holds more than once (one attempt applied twice). */
      duplicated: [...byTopic.values()].filter((n) => n > 1).length,
      /** Meetings of this run in the store whose creation was not answered 201 (the answer was lost). */
      appliedWithoutAnswer: topics.length - accepted.meetings.present,
      eventsMissing: [...writes.meetings].filter((id) => !recorded.has(id)).length,
      eventsDuplicated: [...recorded.values()].filter((n) => n > 1).length,
    },
    payments: {
      ...accepted.payments,
      /** References never answered 201/200 that a bill holds anyway. */
      appliedWithoutAnswer: unanswered.payments.present,
      eventsMissing: [...writes.payments].filter((r) => !paid.has(r)).length,
      eventsDuplicated: [...paid.values()].filter((n) => n > 1).length,
    },
  };
}

/**
 * The effect of the member service's events in the services that consume them, once their
 * consumers caught up: learning's read models (a learner and a portrait per member created, the
 * portrait applying its created event once), and the audit log (every event of the member
 * stream logged, each once). Only for the consumers that ran.
 */
async function countConsumers(namespace: string, services: string[], membersCreated: Set<string>) {
  const stream = `${namespace.toUpperCase()}_MEMBER`;
  const durables = [
    ...(services.includes('learning') ? ['learning-members'] : []),
    ...(services.includes('supervision') ? ['supervision-audit-member'] : []),
  ];
  if (durables.length === 0) return {};
  const nc = await connect({ servers: stackUrls().natsUrl });
  const mongo = new MongoClient(stackUrls().mongoUrl);
  try {
    await mongo.connect();
    const jsm = await nc.jetstreamManager();
    await until(
      `the member stream's consumers caught up (${durables.join(', ')})`,
      async () => {
        for (const durable of durables) {
          const info = await jsm.consumers.info(stream, durable);
          if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
        }
        return true;
      },
      180_000,
      1_000,
    );
    const db = mongo.db(namespace);
    const events = await streamEvents(namespace, 'member.>');
    const created = new Map(events.filter((e) => e.type === 'member.member.created').map((e) => [e.subjectId, e.id]));
    const ids = [...membersCreated];
    const counts: Record<string, unknown> = {};
    if (services.includes('learning')) {
      const learners = new Set(
        (
          await db
            .collection('learners')
            .find({ _id: { $in: ids } } as never, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => String(d._id)),
      );
      const portraits = new Map(
        (
          await db
            .collection<{ _id: string; applied: string[] }>('portraits')
            .find({ _id: { $in: ids } }, { projection: { applied: 1 } })
            .toArray()
        ).map((p) => [String(p._id), p.applied]),
      );
      const appliedTimes = (id: string) => (portraits.get(id) ?? []).filter((e) => e === created.get(id)).length;
      counts.learning = {
        members: ids.length,
        learnersMissing: ids.filter((id) => !learners.has(id)).length,
        portraitsMissing: ids.filter((id) => appliedTimes(id) === 0).length,
        /** Portraits that applied their member's created event more than once. */
        portraitsTwice: ids.filter((id) => appliedTimes(id) > 1).length,
      };
    }
    if (services.includes('supervision')) {
      const eventIds = events.map((e) => e.id);
      const logged = new Map<string, number>();
      for (let i = 0; i < eventIds.length; i += 500)
        for (const entry of await db
          .collection<{ eventId: string }>('auditEntries')
          .find({ eventId: { $in: eventIds.slice(i, i + 500) } }, { projection: { eventId: 1 } })
          .toArray())
          logged.set(entry.eventId, (logged.get(entry.eventId) ?? 0) + 1);
      counts.auditLog = {
        memberEvents: eventIds.length,
        missing: eventIds.filter((id) => !logged.has(id)).length,
        twice: [...logged.values()].filter((n) => n > 1).length,
      };
    }
    return counts;
  } finally {
    await nc.close();
    await mongo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
