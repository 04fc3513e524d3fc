/**
 * Replicas of the platform's processes on this machine, started and stopped the way Kubernetes
 * does with the chart's settings: a replica takes traffic only once ready (readiness), and a
 * replica being replaced is first taken out of its balancer (the endpoints update), keeps
 * serving through the preStop sleep, then gets SIGTERM and drains, and is killed with SIGKILL
 * only when the grace period runs out. Every process is started here and stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isServing } from '@repo/grpc';
import { addressVariable, listenVariable } from '@repo/platform';
import { repoRoot } from '@repo/testbed';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface ReplicaOptions {
  /** A service of the platform's list, or `gateway`. */
  service: string;
  env: Record<string, string>;
  /** Folder for the replica's log (`<service>-<port>.log`). */
  logDir: string;
  /** A gateway is ready when these services are (its /readyz): default all of the platform's list. */
  readyServices?: string[];
}

/** One process of a service (or the gateway), on its own port. */
export class Replica {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  private readonly readyServices: string[] | undefined;

  private constructor(
    readonly service: string,
    readonly port: number,
    options: ReplicaOptions,
  ) {
    this.readyServices = options.readyServices;
    const script = service === 'gateway' ? 'gateway/dist/main.js' : `services/${service}/dist/main.js`;
    const listen =
      service === 'gateway'
        ? { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port) }
        : { [listenVariable(service)]: `127.0.0.1:${port}` };
    const log = createWriteStream(join(options.logDir, `${service}-${port}.log`), { flags: 'a' });
    this.child = spawn(process.execPath, [join(repoRoot(), script)], {
      cwd: repoRoot(),
      env: { ...process.env, ...options.env, ...listen },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.done = true;
        log.end();
        resolve({ code, signal });
      }),
    );
  }

  static async start(options: ReplicaOptions): Promise<Replica> {
    return new Replica(options.service, await freePort(), options);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.done;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Readiness as the chart's probe asks it: the gateway's /readyz, a service's gRPC health. */
  async ready(): Promise<boolean> {
    if (!this.alive) return false;
    if (this.service !== 'gateway') return isServing(this.address, '', 1_000);
    const response = await fetch(`http://${this.address}/readyz`, { signal: AbortSignal.timeout(3_000) });
    const { services } = (await response.json()) as { services: Record<string, boolean> };
    return this.readyServices ? this.readyServices.every((s) => services[s]) : response.ok;
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await until(
      `${this.service} on port ${this.port} to be ready`,
      async () => {
        if (!this.alive) throw new Error(`${this.service} on port ${this.port} exited before it was ready (see its log)`);
        return this.ready();
      },
      timeoutMs,
    );
  }

  /** SIGTERM, then SIGKILL after `graceMs`: resolves with how it ended. */
  async terminate(graceMs: number): Promise<'exited' | 'killed'> {
    if (!this.alive) return 'exited';
    this.child.kill('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited.then(() => 'exited' as const), timer])) === 'exited') return 'exited';
    this.child.kill('SIGKILL');
    await this.exited;
    return 'killed';
  }

  /** kill -9: no drain, no goodbye. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** What a gateway replica needs to find the services: <NAME>_ADDR of each. */
export function gatewayAddresses(addresses: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(addresses).map(([service, address]) => [addressVariable(service), address]));
}
