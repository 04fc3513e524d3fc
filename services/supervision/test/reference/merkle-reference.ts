/**
 * The reference implementations the audit log is checked against: the Go modules
 * github.com/transparency-dev/merkle (proofs, Trillian's and Tessera's) and
 * github.com/transparency-dev/formats (checkpoints and cosignatures), fetched from the Go module
 * proxy and built once per machine (the Go build cache keeps it), then asked about some leaves.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const source = join(__dirname, 'merkle');

export interface ReferenceAnswer {
  /** Root of the first n leaves, hex, for n = 0 … leaves. */
  roots: string[];
  /** "index:size" → the inclusion proof, hex. */
  inclusion: Record<string, string[]>;
  /** "first:second" → the consistency proof, hex. */
  consistency: Record<string, string[]>;
  /** Whether each proof handed in verified, in order. */
  verified: { inclusion?: boolean[]; consistency?: boolean[] };
  /** Each checkpoint handed in, opened with its keys (error empty when it opened). */
  checkpoints: { size: number; root: string; signatures: number; cosignedAt: number; error: string }[] | null;
}

export interface ReferenceRequest {
  leaves: Buffer[];
  /** Proofs for the reference to make. */
  inclusionProofs?: [index: number, size: number][];
  consistencyProofs?: [first: number, second: number][];
  /** Proofs for the reference to verify. */
  inclusion?: { index: number; size: number; proof: Buffer[] }[];
  consistency?: { first: number; second: number; proof: Buffer[] }[];
  /** Checkpoints to open as a log client would (vkeys; the witness's may be empty). */
  checkpoints?: { note: string; origin: string; logKey: string; witnessKey: string }[];
}

function binary(): string {
  const version = createHash('sha256')
    .update(readFileSync(join(source, 'main.go')))
    .update(readFileSync(join(source, 'go.sum')))
    .digest('hex')
    .slice(0, 12);
  const path = join(tmpdir(), `partybuilding-merkle-reference-${version}`);
  if (!existsSync(path)) {
    // Built beside and renamed: test files running side by side may build it at the same time.
    const building = `${path}.${process.pid}`;
    // GOTOOLCHAIN=local: build with the Go that is installed, as the local stack does.
    execFileSync('go', ['build', '-o', building, '.'], {
      cwd: source,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
      stdio: 'pipe',
      timeout: 300_000,
    });
    renameSync(building, path);
  }
  return path;
}

export function askReference(request: ReferenceRequest): ReferenceAnswer {
  const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));
  const input = JSON.stringify({
    leaves: hex(request.leaves),
    inclusionProofs: request.inclusionProofs ?? [],
    consistencyProofs: request.consistencyProofs ?? [],
    inclusion: (request.inclusion ?? []).map((c) => ({ ...c, proof: hex(c.proof) })),
    consistency: (request.consistency ?? []).map((c) => ({ ...c, proof: hex(c.proof) })),
    checkpoints: request.checkpoints ?? [],
  });
  return JSON.parse(execFileSync(binary(), { input, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }).toString('utf8')) as ReferenceAnswer;
}
