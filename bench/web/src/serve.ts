/**
 * The platform with the built portal on a loopback port of its own, against the shared local
 * stack, for looking at the portal and for the benchmarks: `npx tsx bench/web/src/serve.ts
 * [--seed] [--people] [--only content]`. Prints the address and runs until Ctrl-C. With --seed it
 * loads the demo corpus (250 documents of 江川省); otherwise the browser tests' small corpus. With
 * --people it adds the browser tests' organisations and users and prints who can sign in.
 */
import { generateCorpus } from '../../../services/content/seed/corpus';
import { castPeople, type Cast } from '../../../web/test/e2e/people';
import { corpus, indexed, publishDocument, startPortal } from '../../../web/test/e2e/portal';

export async function serve(options: { seed: boolean; people?: boolean; only?: string[] }) {
  const platform = await startPortal(options.only ? { only: options.only } : {});
  const documents = options.seed ? generateCorpus() : Object.values(corpus);
  const queue = [...documents];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await publishDocument(platform, { ...next });
    }),
  );
  await indexed(platform, documents.length);
  const cast: Cast | undefined = options.people ? await castPeople(platform) : undefined;
  return { platform, documents: documents.length, cast };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined;
  void serve({ seed: args.includes('--seed'), people: args.includes('--people'), only }).then(({ platform, documents, cast }) => {
    console.log(`portal at ${platform.baseUrl} (${documents} documents); Ctrl-C stops it`);
    if (cast) {
      for (const role of ['reviewer', 'editor', 'secretary', 'member', 'inspector'] as const) {
        console.log(`  ${role.padEnd(9)} ${cast[role].userName} / ${cast[role].password} (${cast[role].displayName})`);
      }
    }
    const stop = () => void platform.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
