// The portal's build: one entry, a chunk per page (the router imports pages lazily), no inline
// script anywhere (the pages' Content-Security-Policy allows none), assets named by content hash.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

/**
 * Vant's icon font comes inlined as WOFF2 with a fallback on a third-party CDN; the portal asks
 * nothing of other hosts (and its CSP would refuse it), so the fallback goes.
 */
function noRemoteFonts(): Plugin {
  return {
    name: 'no-remote-fonts',
    transform(code, id) {
      if (!id.endsWith('.css') || !code.includes('//at.alicdn.com')) return undefined;
      return { code: code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/g, ''), map: null };
    },
  };
}

/**
 * Every script, style and SVG of the build also as .br and .gz beside it, compressed once at the
 * highest levels: the gateway sends the one the browser accepts (@fastify/static preCompressed)
 * and compresses nothing per request.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
      for (const file of walk(outDir)) {
        if (!/\.(js|css|svg|html)$/.test(file) || statSync(file).size < 1024) continue;
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), noRemoteFonts(), precompress()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Chromium, Safari and Firefox all preload modules natively.
    modulePreload: { polyfill: false },
    // Nothing is inlined as a data: URL into scripts or styles beyond small icons.
    assetsInlineLimit: 2048,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
