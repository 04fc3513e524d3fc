/**
 * The platform on this machine for the operations benchmarks (rollout, faults, load): every
 * service of the platform's list that is built, each as replicas behind a TcpBalancer, and the
 * gateway's replicas behind an HttpBalancer, all under one namespace (database, streams, indices)
 * of the local stack the environment points at (MONGO_PORT, NATS_PORT, ES_PORT, ...).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { platformServices } from '@repo/platform';
import { bearer, randomSecret, repoRoot, stackEnv, testCallerKeys } from '@repo/testbed';
import { HttpBalancer, TcpBalancer } from './balancers';
import { gatewayAddresses, Replica, sleep } from './replicas';

export interface Pool {
  service: string;
  balancer: TcpBalancer | HttpBalancer;
  /** Where callers reach it: the balancer's port. */
  port: number;
  replicas: Replica[];
  /** Environment every replica of it starts with. */
  env: Record<string, string>;
  /** The gateway's: the services its readiness waits for. */
  readyServices?: string[];
}

export interface TerminationTiming {
  /** Sleep of the preStop hook before SIGTERM (the chart's preStopSleepSeconds), ms. */
  preStopMs: number;
  /** How long after the termination starts the balancer stops sending to the replica (endpoint propagation), ms. */
  endpointLagMs: number;
  /** SIGTERM to SIGKILL (terminationGracePeriodSeconds less the sleep), ms. */
  graceMs: number;
}

export interface LocalPlatform {
  namespace: string;
  logDir: string;
  tokenSecret: string;
  services: string[];
  pools: Map<string, Pool>;
  /** The gateway's balancer, as portals reach it. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** The services of the platform's list whose build exists (all of them once everything builds). */
export function builtServices(only?: string[]): string[] {
  return platformServices
    .map((s) => s.name)
    .filter((name) => (!only || only.includes(name)) && existsSync(join(repoRoot(), `services/${name}/dist/main.js`)));
}

export async function startPool(
  service: string,
  env: Record<string, string>,
  replicas: number,
  logDir: string,
  http = false,
  readyServices?: string[],
): Promise<Pool> {
  const { balancer, port } = http ? await HttpBalancer.listen() : await TcpBalancer.listen();
  const pool: Pool = { service, balancer, port, replicas: [], env, ...(readyServices ? { readyServices } : {}) };
  const start = async () => {
    const replica = await Replica.start({ service, env, logDir, ...(readyServices ? { readyServices } : {}) });
    pool.replicas.push(replica);
    await replica.waitReady();
    balancer.add(replica.port);
  };
  try {
    // The first replica alone: content replicas started together on an empty namespace race to
    // create the search index and all but one exit (a Deployment restarts them; here they would
    // just be missing). The others start together once it is ready.
    await start();
    await Promise.all(Array.from({ length: replicas - 1 }, start));
  } catch (err) {
    await Promise.all(pool.replicas.map((r) => r.kill()));
    await balancer.close();
    throw err;
  }
  return pool;
}

/**
 * Replaces one replica as a Deployment with maxSurge 1, maxUnavailable 0 does: a new one starts
 * and takes traffic once ready; the old one is taken out of the balancer (after the endpoint
 * lag), sleeps in preStop, gets SIGTERM, and SIGKILL if it has not exited within the grace.
 */
export async function replaceReplica(
  pool: Pool,
  old: Replica,
  timing: TerminationTiming,
  logDir: string,
): Promise<{ replacement: Replica; ended: 'exited' | 'killed' }> {
  const replacement = await Replica.start({
    service: pool.service,
    env: pool.env,
    logDir,
    ...(pool.readyServices ? { readyServices: pool.readyServices } : {}),
  });
  await replacement.waitReady();
  pool.balancer.add(replacement.port);
  pool.replicas.push(replacement);
  const ended = await terminateReplica(pool, old, timing);
  return { replacement, ended };
}

/** The termination of one replica with the chart's timing (see replaceReplica). */
export async function terminateReplica(pool: Pool, replica: Replica, timing: TerminationTiming): Promise<'exited' | 'killed'> {
  const removal = sleep(timing.endpointLagMs).then(() => pool.balancer.remove(replica.port));
  await sleep(timing.preStopMs);
  const ended = await replica.terminate(timing.graceMs);
  await removal;
  pool.replicas.splice(pool.replicas.indexOf(replica), 1);
  return ended;
}

export interface PlatformOptions {
  namespace: string;
  replicas: number;
  /** Limit the services started (default: every built one). */
  only?: string[];
  /** More environment for every service and gateway replica. */
  env?: Record<string, string>;
  /** More environment for the gateway only. */
  gatewayEnv?: Record<string, string>;
  logDir: string;
}

export async function startLocalPlatform(options: PlatformOptions): Promise<LocalPlatform> {
  const { namespace, replicas, logDir } = options;
  mkdirSync(logDir, { recursive: true });
  const tokenSecret = randomSecret();
  const services = builtServices(options.only);
  if (services.length === 0) throw new Error("no service of the platform's list is built (npx turbo run build)");
  const serviceEnv = { ...stackEnv(namespace), LOG_LEVEL: 'warn', AUTH_TOKEN_SECRET: tokenSecret, OUTBOX_SWEEP_MS: '1000', ...options.env };
  const pools = new Map<string, Pool>();
  const stop = async () => {
    for (const pool of [...pools.values()].reverse()) {
      await Promise.all(pool.replicas.map((r) => r.terminate(15_000)));
      await pool.balancer.close();
    }
  };
  try {
    for (const service of services) pools.set(service, await startPool(service, serviceEnv, replicas, logDir));
    const addresses = Object.fromEntries(services.map((s) => [s, `127.0.0.1:${pools.get(s)!.port}`]));
    // Services not built answer nothing: the gateway's readiness only waits for the built ones.
    for (const s of platformServices) if (!addresses[s.name]) addresses[s.name] = '127.0.0.1:1';
    const gatewayEnv = {
      LOG_LEVEL: 'warn',
      ...gatewayAddresses(addresses),
      AUTH_TOKEN_SECRET: tokenSecret,
      CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
      // Load from one address: limits far above what the load sends.
      RATE_LIMIT_PER_MINUTE: '1000000',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ...options.env,
      ...options.gatewayEnv,
    };
    // While a listed service is not built, /readyz answers 503: the gateway is ready here when the built ones are.
    pools.set('gateway', await startPool('gateway', gatewayEnv, replicas, logDir, true, services));
  } catch (err) {
    await stop();
    throw err;
  }
  return { namespace, logDir, tokenSecret, services, pools, baseUrl: `http://127.0.0.1:${pools.get('gateway')!.port}`, stop };
}

/** Access tokens of the benchmark's editor and reviewer (orgAdmins; the reviewer above the editor). */
export function staff(tokenSecret: string) {
  return {
    editor: bearer({ userId: 'bench-editor', orgPath: '/1/7/', roles: ['orgAdmin'] }, tokenSecret),
    reviewer: bearer({ userId: 'bench-reviewer', orgPath: '/1/', roles: ['orgAdmin'] }, tokenSecret),
  };
}
