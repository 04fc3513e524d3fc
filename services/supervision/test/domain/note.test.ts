import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from '../../src/domain/canonical-json';
import { rootOf, TreeHasher } from '../../src/domain/merkle';
import {
  checkpointText,
  formatNote,
  hashOfOrigin,
  NoteSigner,
  NoteVerifier,
  originOf,
  parseCheckpointText,
  parseNote,
  signatureTypes,
  verifyNote,
} from '../../src/domain/note';
import { askReference } from '../reference/merkle-reference';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const origin = originOf('audit.jiangchuan.example/supervision', 'sha256');
const log = new NoteSigner(origin, pem(), signatureTypes.ed25519);
const witness = new NoteSigner('witness.jiangchuan.example/provincial-commission', pem(), signatureTypes.cosignatureV1);
const hasher = new TreeHasher('sha256');

function checkpoint(size: number) {
  const root = rootOf(
    hasher,
    Array.from({ length: size }, (_, i) => Buffer.from(`entry ${i}`)),
  );
  const text = checkpointText({ origin, size, root });
  return { root, text, note: formatNote(text, [log.signatureLine(text)]) };
}

describe('canonical JSON', () => {
  test('sorts keys by code unit, drops undefined, writes numbers and strings as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, '\u00e9': 1e21, A: 0.1, aa: { z: 1, y: '党' } })).toBe(
      '{"A":0.1,"a":[true,null,"x"],"aa":{"y":"党","z":1},"b":1,"é":1e+21}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });
});

describe('checkpoints as C2SP signed notes', () => {
  test('the text is origin, size and base64 root; the hash is named by the origin', () => {
    const { root, text } = checkpoint(3);
    expect(text).toBe(`audit.jiangchuan.example/supervision/sha256\n3\n${root.toString('base64')}\n`);
    expect(parseCheckpointText(text)).toEqual({ origin, size: 3, root });
    expect(hashOfOrigin(origin)).toBe('sha256');
    expect(hashOfOrigin(originOf('x.example/log', 'sm3'))).toBe('sm3');
    expect(hashOfOrigin('x.example/log')).toBeUndefined();
    expect(() => parseCheckpointText(`${origin}\n03\n${root.toString('base64')}\n`)).toThrow(/leading zeroes/);
    expect(() => parseCheckpointText(`${origin}\n3\nAAAA\n`)).toThrow(/32 bytes/);
  });

  test('vkeys round-trip and name their key', () => {
    const again = NoteVerifier.fromVkey(log.verifier.vkey);
    expect(again.vkey).toBe(log.verifier.vkey);
    expect(log.verifier.vkey.startsWith(`${origin}+`)).toBe(true);
    const id = log.verifier.keyId.toString('hex');
    const key = log.verifier.vkey.slice(`${origin}+${id}+`.length);
    expect(() => NoteVerifier.fromVkey(`${origin}+00000000+${key}`)).toThrow(/does not match/);
    expect(() => NoteVerifier.fromVkey(`${origin}+${id}`)).toThrow(/not a verifier key/);
    // Keys whose base64 holds "+" too (one in four or so).
    for (let i = 0; i < 20; i++) {
      const signer = new NoteSigner(origin, pem(), signatureTypes.ed25519);
      expect(NoteVerifier.fromVkey(signer.verifier.vkey).keyId).toEqual(signer.verifier.keyId);
    }
  });

  test('the log signs and a witness cosigns; both verify here and the tampered note does not', () => {
    const { text, note } = checkpoint(5);
    const cosigned = formatNote(text, [
      ...parseNote(note).signatures.map((s) => s.line),
      witness.signatureLine(text, new Date('2026-12-01T08:00:00Z')),
    ]);
    expect(verifyNote(cosigned, [log.verifier, witness.verifier]).verifiedBy).toEqual([
      { name: origin },
      { name: witness.name, timestamp: 1796112000 },
    ]);
    // Unknown keys are ignored; a known key must have signed.
    expect(verifyNote(cosigned, [log.verifier]).verifiedBy).toHaveLength(1);
    expect(() => verifyNote(note, [witness.verifier])).toThrow(/no trusted key signed it/);
    const forged = cosigned.replace('\n5\n', '\n6\n');
    expect(() => verifyNote(forged, [log.verifier, witness.verifier])).toThrow(/does not verify/);
  });

  test('transparency-dev/formats opens the checkpoints and counts the cosignature', () => {
    const { root, text, note } = checkpoint(7);
    const cosigned = formatNote(text, [
      ...parseNote(note).signatures.map((s) => s.line),
      witness.signatureLine(text, new Date('2026-12-01T08:00:00Z')),
    ]);
    const other = new NoteSigner(origin, pem(), signatureTypes.ed25519);
    const { checkpoints } = askReference({
      leaves: [],
      checkpoints: [
        { note: cosigned, origin, logKey: log.verifier.vkey, witnessKey: witness.verifier.vkey },
        { note, origin, logKey: log.verifier.vkey, witnessKey: '' },
        { note, origin, logKey: other.verifier.vkey, witnessKey: '' },
        { note: cosigned.replace('\n7\n', '\n8\n'), origin, logKey: log.verifier.vkey, witnessKey: witness.verifier.vkey },
      ],
    });
    expect(checkpoints![0]).toEqual({ size: 7, root: root.toString('hex'), signatures: 2, cosignedAt: 1796112000, error: '' });
    expect(checkpoints![1]).toMatchObject({ size: 7, signatures: 1, error: '' });
    expect(checkpoints![2]!.error).not.toBe('');
    expect(checkpoints![3]!.error).not.toBe('');
  });
});
