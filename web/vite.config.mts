// The portal's build: one entry, a chunk per page (the router imports pages lazily), no inline
// script anywhere (the pages' Content-Security-Policy allows none), assets named by content hash.
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

export default defineConfig({
  plugins: [vue(), noRemoteFonts()],
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
