/**
 * The processes of one benchmark run: spawn, readiness, stop (by pid, only the ones started
 * here), and CPU time of any process from /proc (to see where the two cores went).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64

/** User + system CPU seconds a process has used so far, or NaN when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * What a benchmark counts CPU for: one process, or a group listed anew at every reading (a
 * server of a process per connection, such as PostgreSQL).
 */
export type Processes = number | (() => number[]) | undefined;

/** CPU seconds per pid of `processes` now. */
export function cpuSample(processes: Processes): Map<number, number> {
  const pids = typeof processes === 'function' ? processes() : processes ? [processes] : [];
  return new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
}

/**
 * CPU seconds `processes` used since `before` (a cpuSample). In a group, a process that started
 * since counts from zero and one that ended is left out; a single process that ended gives NaN.
 */
export function cpuUsedSince(processes: Processes, before: Map<number, number>): number {
  if (typeof processes !== 'function') return cpuSeconds(processes) - (processes ? (before.get(processes) ?? NaN) : NaN);
  let used = 0;
  for (const [pid, cpu] of cpuSample(processes)) if (Number.isFinite(cpu)) used += cpu - (before.get(pid) ?? 0);
  return used;
}

/** CPU seconds of this process's finished (waited-for) children, e.g. the load generator. */
export function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** Busy and total CPU seconds of the whole machine so far (from /proc/stat). */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((s, v) => s + v, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new Error(`port ${port} on 127.0.0.1 is in use; pick another (see README)`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export function startService(name: string, args: string[], env: Record<string, string>, logFile: string, cwd: string): Service {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (!child.pid) throw new Error(`${name} did not start`);
  const pid = child.pid;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    name,
    child,
    pid,
    logFile,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
      if ((await Promise.race([exit, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exit;
      }
      log.end();
    },
  };
}

/** Polls `check` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
