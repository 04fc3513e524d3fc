import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file holding deploy/local/start.sh. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'deploy/local/start.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`deploy/local/start.sh not found above ${from}`);
    dir = parent;
  }
  return dir;
}
