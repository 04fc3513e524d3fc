// The browser the portal's end-to-end tests drive: Debian's chromium, with fonts-noto-cjk so that
// Chinese renders (in screenshots and for the contrast checks). Installed with apt-get when
// missing and this runs as root; otherwise it says what to install and carries on (only the
// browser tests need it, and they fail naming it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const packages = ['chromium', 'fonts-noto-cjk'];

function installed(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

export function ensureBrowser() {
  const missing = packages.filter((name) => (name === 'chromium' ? !existsSync(chromiumPath) : !installed(name)));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    console.warn(`[platform] the browser tests need ${missing.join(' and ')}: sudo apt-get install ${missing.join(' ')}`);
    return;
  }
  console.log(`\x1b[1m[platform]\x1b[0m installing ${missing.join(', ')} for the browser tests (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0)
    console.warn(`[platform] apt-get could not install ${missing.join(', ')}; the browser tests will fail`);
}
