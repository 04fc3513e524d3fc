/**
 * Summarises V8 CPU profiles (node --cpu-prof, see run.ts --profile): self time by package or
 * source file, the hottest functions, and the platform's own functions by inclusive time (with
 * everything they call). `--from=S --to=S` keeps the samples between S seconds after the
 * profile started (a load leg's window, leaving start-up out).
 * Usage: npx tsx bench/search-load/src/profile-summary.ts [--from=S] [--to=S] FILE...
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const m = /\/work\/[^/]+\/(.+)$/.exec(url.replace('file://', ''));
  return m ? m[1]! : url;
}

const args = process.argv.slice(2);
const seconds = (name: string) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? NaN);
const from = seconds('from');
const to = seconds('to');
// The platform's own code, whose inclusive time is listed.
const OWN = /^(packages|services|gateway)\//;

for (const file of args.filter((a) => !a.startsWith('--'))) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const s = at / 1e6;
    if ((Number.isFinite(from) && s < from) || (Number.isFinite(to) && s > to)) return;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...selfMs.values()].reduce((s, v) => s + v, 0);
  const byWhere = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const w =
      functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)' ? functionName : where(url);
    byWhere.set(w, (byWhere.get(w) ?? 0) + ms);
    const f = `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + ms);
  }
  const busy = total - (byWhere.get('(idle)') ?? 0);
  console.log(`\n${basename(file)}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .forEach(([k, ms]) => console.log(`  ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${k}`));
  console.log(' self time by package / file:');
  top(byWhere, 15);
  console.log(' hottest functions:');
  top(byFunction, 15);
  // Inclusive: each sample counts once for every distinct own function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const { functionName, url, lineNumber } = byId.get(n)!.callFrame;
      const w = where(url);
      if (!OWN.test(w)) continue;
      const f = `${functionName || '(anonymous)'} ${w}:${lineNumber + 1}`;
      if (seen.has(f)) continue;
      seen.add(f);
      inclusive.set(f, (inclusive.get(f) ?? 0) + ms);
    }
  }
  console.log(' own functions, inclusive:');
  top(inclusive, 20);
}
