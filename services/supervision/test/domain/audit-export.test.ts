import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from '../../src/domain/canonical-json';
import { exportFormat, ExportVerifier, type ExportLine } from '../../src/domain/audit-export';
import { Frontier, TreeHasher } from '../../src/domain/merkle';
import { checkpointText, formatNote, NoteSigner, originOf, signatureTypes } from '../../src/domain/note';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const origin = originOf('audit.jiangchuan.example/supervision', 'sm3');
const log = new NoteSigner(origin, pem(), signatureTypes.ed25519);
const witness = new NoteSigner('witness.jiangchuan.example/provincial-commission', pem(), signatureTypes.cosignatureV1);
const hasher = new TreeHasher('sm3');

const leaves = Array.from({ length: 40 }, (_, i) =>
  canonicalJson({
    id: `event-${i}`,
    type: 'member.member.updated',
    actor: `user-${i % 3}`,
    orgPath: '/1/7/',
    subjectId: `m-${i}`,
    occurredAt: '2026-12-01T08:00:00.000Z',
    data: { i },
  }),
);
const checkpointSizes = [10, 20, 30, 40];

function signed(size: number, withWitness = false): string {
  const frontier = new Frontier(hasher);
  for (const leaf of leaves.slice(0, size)) frontier.append(hasher.leaf(Buffer.from(leaf)));
  const text = checkpointText({ origin, size, root: frontier.root() });
  return formatNote(text, [log.signatureLine(text), ...(withWitness ? [witness.signatureLine(text)] : [])]);
}

/** An honest export of the whole log, as lines. */
function honestExport(): ExportLine[] {
  const lines: ExportLine[] = [{ header: { format: exportFormat, origin, start: 0, end: leaves.length, leftFrontier: [] } }];
  leaves.forEach((leaf, index) => {
    lines.push({ entry: { index, leaf, leafHash: hasher.leaf(Buffer.from(leaf)).toString('base64') } });
    if (checkpointSizes.includes(index + 1)) lines.push({ checkpoint: signed(index + 1) });
  });
  return lines;
}

function verify(lines: ExportLine[], trusted = signed(40, true)) {
  const verifier = new ExportVerifier({ log: log.verifier, witness: witness.verifier }, trusted);
  for (const line of lines) verifier.line(JSON.stringify(line));
  return verifier.finish();
}

const entryAt = (lines: ExportLine[], index: number) =>
  lines.find((l) => 'entry' in l && l.entry.index === index) as { entry: { index: number; leaf: string; leafHash: string } };

describe('offline verification of an export', () => {
  test('an honest export verifies against the witnessed checkpoint', () => {
    const report = verify(honestExport());
    expect(report).toMatchObject({ ok: true, origin, hash: 'sm3', start: 0, end: 40, checkpointsVerified: 4, problems: [] });
    expect(report.trusted.signedBy).toEqual([origin, witness.name]);
  });

  test('an edited entry is named: the recorded leaf hashes still give the signed roots', () => {
    const lines = honestExport();
    entryAt(lines, 13).entry.leaf = entryAt(lines, 13).entry.leaf.replace('user-1', 'user-2');
    const report = verify(lines);
    expect(report.ok).toBe(false);
    expect(report.firstBadEntry).toBe(13);
    expect(report.problems[0]).toMatchObject({ kind: 'changedEntry', index: 13 });
    expect(report.checkpointsVerified).toBe(1);
  });

  test('an entry edited together with its recorded hash is placed after the last checkpoint that verified', () => {
    const lines = honestExport();
    const entry = entryAt(lines, 25).entry;
    entry.leaf = entry.leaf.replace('user-1', 'user-0');
    entry.leafHash = hasher.leaf(Buffer.from(entry.leaf)).toString('base64');
    const report = verify(lines);
    expect(report.problems[0]).toMatchObject({ kind: 'rewrittenRecord', index: 20 });
    expect(report.problems[0]!.message).toContain('entries 20…29');
    expect(report.firstBadEntry).toBe(20);
  });

  test('deleting the last entries is found against the witnessed checkpoint, even with a re-signed one of the shorter log', () => {
    const lines = honestExport().filter(
      (l) => !('entry' in l && l.entry.index >= 37) && !('checkpoint' in l && l.checkpoint === signed(40)),
    );
    // Whoever holds the log's key can sign the shorter tree; the witness's checkpoint still says 40.
    lines.push({ checkpoint: signed(37) });
    const report = verify(lines);
    expect(report.ok).toBe(false);
    expect(report.end).toBe(37);
    expect(report.firstBadEntry).toBe(37);
    expect(report.problems.map((p) => p.kind)).toEqual(['missingEntries', 'missingEntries']);
    expect(report.problems[1]!.message).toContain('entries 37…39 are missing');
  });

  test('two entries swapped are found at the first of them', () => {
    const lines = honestExport();
    const [a, b] = [entryAt(lines, 5).entry, entryAt(lines, 8).entry];
    [a.leaf, b.leaf] = [b.leaf, a.leaf];
    const report = verify(lines);
    expect(report.firstBadEntry).toBe(5);
    expect(report.problems[0]).toMatchObject({ kind: 'changedEntry', index: 5 });
  });

  test('an entry removed from the middle is named', () => {
    const lines = honestExport().filter((l) => !('entry' in l && l.entry.index === 17));
    const report = verify(lines);
    expect(report.firstBadEntry).toBe(17);
    expect(report.problems[0]).toMatchObject({ kind: 'missingEntries', index: 17, message: 'entry 17 is missing' });
  });

  test('a checkpoint signed by another key, or a trusted checkpoint without the witness, is refused', () => {
    const lines = honestExport();
    const other = new NoteSigner(origin, pem(), signatureTypes.ed25519);
    const text = checkpointText({ origin, size: 10, root: Buffer.alloc(32) });
    lines.splice(11, 1, { checkpoint: formatNote(text, [other.signatureLine(text)]) });
    expect(verify(lines).problems[0]).toMatchObject({ kind: 'badCheckpoint' });
    expect(() => verify(honestExport(), signed(40, false))).toThrow(/no cosignature of the witness/);
  });

  test('an export of the later part verifies from the compact range of the part before it', () => {
    const frontier = new Frontier(hasher);
    for (const leaf of leaves.slice(0, 20)) frontier.append(hasher.leaf(Buffer.from(leaf)));
    const lines = honestExport().filter(
      (l) => !('entry' in l && l.entry.index < 20) && !('checkpoint' in l && !/\n(30|40)\n/.test(l.checkpoint)),
    );
    lines[0] = {
      header: { format: exportFormat, origin, start: 20, end: 40, leftFrontier: frontier.hashes.map((h) => h.toString('base64')) },
    };
    expect(verify(lines)).toMatchObject({ ok: true, start: 20, end: 40, checkpointsVerified: 2 });
    (lines[0] as { header: { leftFrontier: string[] } }).header.leftFrontier[0] = Buffer.alloc(32).toString('base64');
    expect(verify(lines).ok).toBe(false);
  });
});
