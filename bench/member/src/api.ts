/** REST calls to the gateway, timed, and a small pool to keep N of them in flight. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
  ms: number;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, headers: Record<string, string>, body?: unknown, timeoutMs = 60_000): Promise<Answer> {
    const isRaw = Buffer.isBuffer(body);
    const t0 = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined || isRaw ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: isRaw ? (body as Buffer) : JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - t0;
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, ms };
  }

  /** The call, or an error naming what failed when the status is not the expected one. */
  async expect(
    status: number | number[],
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<Answer> {
    const answer = await this.call(method, path, headers, body, timeoutMs);
    const ok = Array.isArray(status) ? status.includes(answer.status) : answer.status === status;
    if (!ok) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    return answer;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in item order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
