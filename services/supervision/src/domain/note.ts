/**
 * Checkpoints in the C2SP formats: a checkpoint (c2sp.org/tlog-checkpoint) is a signed note
 * (c2sp.org/signed-note) whose text is the log's origin, its tree size and its root hash in
 * base64; the log signs it with Ed25519 (signature type 0x01) and a witness adds a timestamped
 * cosignature (c2sp.org/tlog-cosignature, type 0x04). Public keys travel as vkeys
 * (`<name>+<key id hex>+<base64(type ‖ key)>`), the form the Go tools (golang.org/x/mod/sumdb/note)
 * read.
 *
 * The hash of a log is the last segment of its origin (`…/sha256`, `…/sm3`): the checkpoint
 * format fixes SHA-256, so a log on SM3 says so in the one line every checkpoint carries.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { hashNames, type HashName } from './merkle';

export const signatureTypes = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
type SignatureType = (typeof signatureTypes)[keyof typeof signatureTypes];

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** The log's origin line: its name and the hash its tree uses. */
export function originOf(name: string, hash: HashName): string {
  return `${name}/${hash}`;
}

export function hashOfOrigin(origin: string): HashName | undefined {
  const last = origin.slice(origin.lastIndexOf('/') + 1);
  return (hashNames as readonly string[]).includes(last) ? (last as HashName) : undefined;
}

export function checkpointText({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  if (lines.length < 4 || lines[lines.length - 1] !== '' || !origin || !size || !root)
    throw new Error('a checkpoint is three lines: origin, tree size, root hash');
  if (!/^(0|[1-9]\d*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new Error(`tree size "${size}" is not a decimal without leading zeroes`);
  const hash = Buffer.from(root, 'base64');
  if (hash.toString('base64') !== root || hash.length !== 32) throw new Error(`root hash "${root}" is not 32 bytes in base64`);
  return { origin, size: Number(size), root: hash };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function keyIdOf(name: string, type: SignatureType, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function assertKeyName(name: string): void {
  if (!name || /[\s+]/u.test(name)) throw new Error(`key name "${name}" must be non-empty, without spaces or "+"`);
}

/** A public key that verifies one kind of signature line: from a vkey or from the signer. */
export class NoteVerifier {
  readonly keyId: Buffer;
  private readonly key: KeyObject;

  constructor(
    readonly name: string,
    readonly type: SignatureType,
    readonly publicKey: Buffer,
  ) {
    assertKeyName(name);
    this.keyId = keyIdOf(name, type, publicKey);
    this.key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  }

  static fromVkey(vkey: string): NoteVerifier {
    // The key's base64 may hold "+" itself: only the first two separate the parts.
    const [name, id, material] = splitVkey(vkey.trim());
    const bytes = Buffer.from(material, 'base64');
    if (!/^[0-9a-f]{8}$/.test(id) || bytes.length !== 33) throw new Error(`"${vkey}" is not a verifier key <name>+<key id>+<base64 key>`);
    const type = bytes[0];
    if (type !== signatureTypes.ed25519 && type !== signatureTypes.cosignatureV1)
      throw new Error(`verifier key ${name}: signature type ${type} is not Ed25519 (1) or a cosignature/v1 (4)`);
    const verifier = new NoteVerifier(name, type, bytes.subarray(1));
    if (verifier.keyId.toString('hex') !== id) throw new Error(`verifier key ${name}: key id ${id} does not match its key`);
    return verifier;
  }

  get vkey(): string {
    return `${this.name}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([this.type]), this.publicKey]).toString('base64')}`;
  }

  /** Whether the signature line's bytes (key id first) are a valid signature of `text`. */
  verifies(text: string, signature: Buffer): { valid: boolean; timestamp?: number } {
    if (!signature.subarray(0, 4).equals(this.keyId)) return { valid: false };
    if (this.type === signatureTypes.ed25519) {
      return { valid: signature.length === 68 && verify(null, Buffer.from(text), this.key, signature.subarray(4)) };
    }
    if (signature.length !== 4 + 8 + 64) return { valid: false };
    const timestamp = Number(signature.readBigUInt64BE(4));
    return { valid: verify(null, Buffer.from(cosignedMessage(text, timestamp)), this.key, signature.subarray(12)), timestamp };
  }
}

function splitVkey(vkey: string): [string, string, string] {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) return [vkey, '', ''];
  return [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
}

const cosignedMessage = (text: string, timestamp: number) => `cosignature/v1\ntime ${timestamp}\n${text}`;

/** An Ed25519 private key that signs notes (the log) or cosigns checkpoints (a witness). */
export class NoteSigner {
  readonly verifier: NoteVerifier;
  private readonly key: KeyObject;

  constructor(name: string, privateKeyPem: string, type: SignatureType) {
    this.key = createPrivateKey(privateKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new Error('the key is not an Ed25519 private key');
    this.verifier = new NoteVerifier(name, type, rawPublicKey(createPublicKey(this.key)));
  }

  get name(): string {
    return this.verifier.name;
  }

  /** The signature line for `text`; a cosignature is made at `at`. */
  signatureLine(text: string, at: Date = new Date()): string {
    const { keyId, type } = this.verifier;
    let bytes: Buffer;
    if (type === signatureTypes.ed25519) {
      bytes = Buffer.concat([keyId, sign(null, Buffer.from(text), this.key)]);
    } else {
      const timestamp = Math.floor(at.getTime() / 1000);
      const time = Buffer.alloc(8);
      time.writeBigUInt64BE(BigInt(timestamp));
      bytes = Buffer.concat([keyId, time, sign(null, Buffer.from(cosignedMessage(text, timestamp)), this.key)]);
    }
    return `— ${this.name} ${bytes.toString('base64')}\n`;
  }
}

export interface SignedNote {
  text: string;
  signatures: { name: string; signature: Buffer; line: string }[];
}

/** A signed note's text and its signature lines (c2sp.org/signed-note § Format). */
export function parseNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('a signed note is its text, a blank line, then signature lines');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
      if (!match) throw new Error(`"${line}" is not a signature line`);
      return { name: match[1]!, signature: Buffer.from(match[2]!, 'base64'), line: `${line}\n` };
    });
  if (signatures.length === 0) throw new Error('a signed note has at least one signature');
  return { text, signatures };
}

export function formatNote(text: string, signatureLines: string[]): string {
  return `${text}\n${signatureLines.join('')}`;
}

export interface VerifiedNote {
  text: string;
  /** Names of the trusted keys whose signatures verified, with a cosignature's time. */
  verifiedBy: { name: string; timestamp?: number }[];
}

/**
 * Verifies a note against trusted keys: signatures of unknown keys are ignored (the spec says
 * so, which lets witnesses add theirs), a known key's bad signature rejects the note, and at
 * least one known key must have signed.
 */
export function verifyNote(note: string, trusted: readonly NoteVerifier[]): VerifiedNote {
  const { text, signatures } = parseNote(note);
  const verifiedBy: VerifiedNote['verifiedBy'] = [];
  for (const { name, signature } of signatures) {
    const key = trusted.find((k) => k.name === name && signature.subarray(0, 4).equals(k.keyId));
    if (!key) continue;
    const { valid, timestamp } = key.verifies(text, signature);
    if (!valid) throw new Error(`the signature of ${name} does not verify`);
    verifiedBy.push({ name, ...(timestamp !== undefined ? { timestamp } : {}) });
  }
  if (verifiedBy.length === 0) throw new Error(`no trusted key signed it (trusted: ${trusted.map((k) => k.name).join(', ')})`);
  return { text, verifiedBy };
}
