/** The sensitive-word list file, re-read when operators edit it (a broken edit keeps the old list). */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from '@repo/logging';
import { parseSensitiveWords, SensitiveWordScreen } from '../domain/screen';

export class ScreenFile {
  current: SensitiveWordScreen;

  constructor(readonly path: string) {
    this.current = this.read();
  }

  private read(): SensitiveWordScreen {
    return new SensitiveWordScreen(parseSensitiveWords(readFileSync(this.path, 'utf8'), basename(this.path)));
  }

  watch(logger: Logger): void {
    watchFile(this.path, { interval: 5_000, persistent: false }, () => {
      try {
        this.current = this.read();
        logger.info({ words: this.current.size, file: this.path }, 'sensitive words reloaded');
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'sensitive-word file rejected; keeping the previous list');
      }
    });
  }

  unwatch(): void {
    unwatchFile(this.path);
  }
}
