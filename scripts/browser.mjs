// The browser the portal's end-to-end tests drive: Debian's chromium, with fonts-noto-cjk so that
// Chinese renders (in screenshots and for the contrast checks). Run by `npm test` before the
// suites; it does nothing when both are there, so only the first run pays.
//
// As root with apt-get: both are installed from the distribution. Otherwise nothing is installed
// system-wide: Playwright's own Chromium headless shell goes to .local/browser/ms-playwright
// (playwright-core's installer) and the fonts' .deb is unpacked into .local/browser/fonts
// (apt-get download needs no root); web/test/e2e/browser.ts finds both there. .local/ is ignored.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Kept in step with web/test/e2e/browser.ts. */
export const browserCache = join(root, '.local/browser');
const playwrightBrowsers = join(browserCache, 'ms-playwright');
const localFonts = join(browserCache, 'fonts');

function say(message) {
  console.log(`\x1b[1m[platform]\x1b[0m ${message}`);
}

function installed(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

const hasApt = existsSync('/usr/bin/apt-get');
const isRoot = process.getuid?.() === 0;

function aptInstall(packages) {
  say(`installing ${packages.join(', ')} for the browser tests (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) say(`apt-get could not install ${packages.join(', ')}; the browser tests will fail`);
}

/** Playwright's Chromium headless shell for this playwright-core, into the ignored cache. */
function playwrightChromium() {
  const haveShell = existsSync(playwrightBrowsers) && readdirSync(playwrightBrowsers).some((name) => name.startsWith('chromium'));
  if (haveShell) return;
  say(`no ${chromiumPath} and no root for apt-get: Playwright's Chromium headless shell into ${playwrightBrowsers}`);
  const cli = join(root, 'node_modules/playwright-core/cli.js');
  const result = spawnSync(process.execPath, [cli, 'install', '--only-shell', '--no-progress', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: playwrightBrowsers },
  });
  if (result.status !== 0) say('Playwright could not download Chromium; the browser tests will fail (apt-get install chromium)');
}

/** fonts-noto-cjk's files unpacked into the ignored cache (fontconfig is pointed there). */
function localCjkFonts() {
  if (existsSync(join(localFonts, 'usr/share/fonts'))) return;
  if (!hasApt) {
    say('the browser tests need CJK fonts (fonts-noto-cjk); Chinese will render as boxes without them');
    return;
  }
  say(`fonts-noto-cjk is not installed: unpacking its .deb into ${localFonts}`);
  const download = join(browserCache, 'deb');
  rmSync(download, { recursive: true, force: true });
  mkdirSync(download, { recursive: true });
  const fetched = spawnSync('apt-get', ['download', '-q', 'fonts-noto-cjk'], { cwd: download, stdio: 'inherit' });
  const deb = readdirSync(download).find((name) => name.endsWith('.deb'));
  if (fetched.status !== 0 || !deb) return say('apt-get download fonts-noto-cjk failed; Chinese will render as boxes');
  const unpacked = spawnSync('dpkg-deb', ['-x', join(download, deb), localFonts], { stdio: 'inherit' });
  rmSync(download, { recursive: true, force: true });
  if (unpacked.status !== 0) say('dpkg-deb could not unpack fonts-noto-cjk');
}

export function ensureBrowser() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!installed('fonts-noto-cjk')) missing.push('fonts-noto-cjk');
  if (missing.length === 0) return;
  if (isRoot && hasApt) aptInstall(missing);
  // Without root, or where the distribution's chromium is not a real package (Ubuntu's is a snap).
  mkdirSync(browserCache, { recursive: true });
  if (!existsSync(chromiumPath)) playwrightChromium();
  if (!installed('fonts-noto-cjk')) localCjkFonts();
}
