/**
 * FerretDB 1.x (SQLite backend) drops a database by deleting its `<name>.sqlite` file but leaves
 * `<name>.sqlite-wal` and `<name>.sqlite-shm` behind, and after a 100,000-member run the WAL is
 * hundreds of MB. This removes those two files of a database this benchmark made and dropped,
 * and nothing else: only when the name is one of ours and the database file itself is gone.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');

export function ferretDataDir(): string {
  return join(process.env.STACK_DIR ?? join(repo, '.local'), 'data/ferretdb');
}

/** Removes the -wal/-shm files of a dropped bench database; answers the bytes freed. */
export function removeLeftoverFiles(database: string): number {
  if (!/^bench-member-[A-Za-z0-9_-]+$/.test(database)) throw new Error(`not a bench database: ${database}`);
  const dir = ferretDataDir();
  if (existsSync(join(dir, `${database}.sqlite`))) return 0;
  let freed = 0;
  for (const suffix of ['-wal', '-shm']) {
    const file = join(dir, `${database}.sqlite${suffix}`);
    if (!existsSync(file)) continue;
    freed += statSync(file).size;
    rmSync(file);
  }
  return freed;
}

/** Size on disk of a database's files (the .sqlite file and its WAL), in bytes. */
export function databaseBytes(database: string): { sqlite: number; wal: number } {
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  const dir = ferretDataDir();
  return { sqlite: size(join(dir, `${database}.sqlite`)), wal: size(join(dir, `${database}.sqlite-wal`)) };
}
