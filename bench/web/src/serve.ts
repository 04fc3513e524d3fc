/**
 * The platform with the built portal on a loopback port of its own, against the shared local
 * stack, for looking at the portal and for the benchmarks: `npx tsx bench/web/src/serve.ts
 * [--seed] [--only content]`. Prints the address and runs until Ctrl-C. With --seed it loads
 * the demo corpus (250 documents of 江川省); otherwise the browser tests' small corpus.
 */
import { generateCorpus } from '../../../services/content/seed/corpus';
import { corpus, indexed, publishDocument, startPortal } from '../../../web/test/e2e/portal';

export async function serve(options: { seed: boolean; only?: string[] }) {
  const platform = await startPortal(options.only ? { only: options.only } : {});
  const documents = options.seed ? generateCorpus() : Object.values(corpus);
  const queue = [...documents];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await publishDocument(platform, { ...next });
    }),
  );
  await indexed(platform, documents.length);
  return { platform, documents: documents.length };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined;
  void serve({ seed: args.includes('--seed'), only }).then(({ platform, documents }) => {
    console.log(`portal at ${platform.baseUrl} (${documents} documents); Ctrl-C stops it`);
    const stop = () => void platform.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
