/**
 * Freshness: publish documents through the gateway, as editors do, and measure the time from
 * the publish response to the document being found by the public search route. Each document's
 * title carries a unique token, and the search for that token is polled until the document is
 * in the hits. Elasticsearch's realtime GET of the same id is polled alongside, which splits
 * the time into the event pipeline (outbox → NATS → indexer → index write) and the wait for
 * the index refresh that makes a written document searchable.
 */
import type { ContentDocument } from '../../../services/content/dist/domain/document';
import { bearer, randomSecret } from '@repo/testbed';
import { freshnessOrgPath } from './indexing';
import { round, rounded, summarize, type Summary } from './stats';

export interface FreshnessOptions {
  gatewayUrl: string;
  esUrl: string;
  alias: string;
  documents: number;
  concurrency: number;
  pollMs: number;
  /** Per document: how long to wait for it to become searchable. */
  timeoutMs: number;
  /** Whole test: no document starts after this. */
  deadline: number;
  runTag: string;
  samples: ContentDocument[];
  log: (line: string) => void;
}

export interface FreshnessResult {
  documents: number;
  concurrency: number;
  pollMs: number;
  found: number;
  timedOut: number;
  failed: number;
  errorSamples: string[];
  /** publish response → first search response that has the document. */
  publishToSearchableMs: Summary;
  /** publish response → realtime GET finds it in Elasticsearch (pipeline, before refresh). */
  publishToIndexedMs: Summary;
  /** indexed → searchable (refresh wait). */
  indexedToSearchableMs: Summary;
  /** The REST calls of the workflow, for comparison. */
  callMs: Record<'create' | 'submit' | 'approve' | 'publish', Summary>;
  searchPolls: number;
  wallSeconds: number;
  /** Per 100 documents in publish order: median call and freshness times (to see drift). */
  byHundred: {
    first: number;
    wallSeconds: number;
    workflowCallsP50Ms: number;
    publishToSearchableP50Ms: number;
    publishToSearchableP95Ms: number;
  }[];
  ids: string[];
  /** One record per document, in completion order. */
  timeline: { i: number; startedAt: number; workflowMs: number; publishMs: number; indexedMs: number; searchableMs: number }[];
}

/** The signing secret this run gives its gateway (run.ts). */
export const benchTokenSecret = randomSecret();

// Tokens for two staff members, signed with that secret.
const editor = bearer({ userId: 'bench-editor', orgPath: freshnessOrgPath, roles: ['orgAdmin'] }, benchTokenSecret, 7_200);
const reviewer = bearer({ userId: 'bench-reviewer', orgPath: '/1/', roles: ['orgAdmin'] }, benchTokenSecret, 7_200);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureFreshness(o: FreshnessOptions): Promise<FreshnessResult> {
  const call = async (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${o.gatewayUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path.split('?')[0]}: ${response.status} ${JSON.stringify(json).slice(0, 200)}`);
    return json;
  };
  const timed = async <T>(into: number[], f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await f();
    into.push(performance.now() - t);
    return value;
  };

  const calls = { create: [] as number[], submit: [] as number[], approve: [] as number[], publish: [] as number[] };
  const searchable: number[] = [];
  const indexed: number[] = [];
  const refreshWait: number[] = [];
  const errors: string[] = [];
  const ids: string[] = [];
  const timeline: FreshnessResult['timeline'] = [];
  let timedOut = 0;
  let failed = 0;
  let polls = 0;
  let next = 0;
  let done = 0;
  const today = new Date().toISOString().slice(0, 10);
  const started = performance.now();

  const one = async (i: number) => {
    const begun = performance.now();
    const sample = o.samples[i % o.samples.length]!;
    // Letters and digits: one token for the analyzer, never read as pinyin.
    const token = `fr${o.runTag}x${String(i).padStart(4, '0')}`;
    const created = await timed(calls.create, () =>
      call('POST', '/api/v1/documents', editor, {
        kind: 'policy',
        title: `${sample.title.slice(0, 150)}（${token}）`,
        docNumber: '',
        agency: sample.agency,
        docType: sample.kind === 'policy' ? sample.docType : '通知',
        issuedAt: today,
        effectiveStatus: 'inForce',
        region: sample.region,
        topics: sample.topics,
        body: sample.body,
      }),
    );
    const id = String(created.id);
    ids.push(id);
    await timed(calls.submit, () => call('POST', `/api/v1/documents/${id}/submit`, editor));
    await timed(calls.approve, () => call('POST', `/api/v1/documents/${id}/approve`, reviewer, { note: '同意' }));
    await timed(calls.publish, () => call('POST', `/api/v1/documents/${id}/publish`, reviewer));
    const published = performance.now();
    const giveUp = published + o.timeoutMs;
    let indexedAt: number | undefined;
    while (performance.now() < giveUp) {
      if (indexedAt === undefined) {
        const got = await fetch(`${o.esUrl}/${o.alias}/_doc/${id}?_source=false`, { signal: AbortSignal.timeout(5_000) });
        if (got.status === 200) indexedAt = performance.now();
        else await got.arrayBuffer();
      }
      const result = await call('GET', `/api/v1/search/documents?q=${token}&size=5`, {});
      polls += 1;
      const now = performance.now();
      if ((result.hits as { id: string }[]).some((h) => h.id === id)) {
        searchable.push(now - published);
        const at = indexedAt ?? now;
        indexed.push(at - published);
        refreshWait.push(now - at);
        timeline.push({
          i,
          startedAt: round((begun - started) / 1000, 2),
          workflowMs: round(published - begun, 1),
          publishMs: round(calls.publish[calls.publish.length - 1] ?? NaN, 1),
          indexedMs: round(at - published, 1),
          searchableMs: round(now - published, 1),
        });
        return;
      }
      await sleep(o.pollMs);
    }
    timedOut += 1;
    if (errors.length < 5) errors.push(`${id}: not searchable ${o.timeoutMs} ms after publish`);
  };

  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.documents && Date.now() < o.deadline) {
        const i = next++;
        try {
          await one(i);
        } catch (err) {
          failed += 1;
          if (errors.length < 5) errors.push((err as Error).message);
        }
        done += 1;
        if (done % 100 === 0) {
          const s = summarize(searchable);
          o.log(
            `freshness: ${done}/${o.documents}, p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, ${((performance.now() - started) / 1000).toFixed(0)} s`,
          );
        }
      }
    }),
  );
  return {
    documents: done,
    concurrency: o.concurrency,
    pollMs: o.pollMs,
    found: searchable.length,
    timedOut,
    failed,
    errorSamples: errors,
    publishToSearchableMs: rounded(summarize(searchable), 1),
    publishToIndexedMs: rounded(summarize(indexed), 1),
    indexedToSearchableMs: rounded(summarize(refreshWait), 1),
    callMs: {
      create: rounded(summarize(calls.create), 1),
      submit: rounded(summarize(calls.submit), 1),
      approve: rounded(summarize(calls.approve), 1),
      publish: rounded(summarize(calls.publish), 1),
    },
    searchPolls: polls,
    wallSeconds: round((performance.now() - started) / 1000),
    byHundred: byHundred(timeline),
    ids,
    timeline,
  };
}

function byHundred(timeline: FreshnessResult['timeline']): FreshnessResult['byHundred'] {
  const out: FreshnessResult['byHundred'] = [];
  const sorted = [...timeline].sort((a, b) => a.i - b.i);
  for (let k = 0; k < sorted.length; k += 100) {
    const part = sorted.slice(k, k + 100);
    const fresh = summarize(part.map((t) => t.searchableMs));
    out.push({
      first: part[0]!.i,
      wallSeconds: round(part[part.length - 1]!.startedAt - part[0]!.startedAt, 1),
      workflowCallsP50Ms: round(summarize(part.map((t) => t.workflowMs)).p50, 1),
      publishToSearchableP50Ms: round(fresh.p50, 1),
      publishToSearchableP95Ms: round(fresh.p95, 1),
    });
  }
  return out;
}
