/**
 * A small transparency log built in the test from the RFC 6962 and C2SP definitions with Node's
 * crypto, independent of both the server's ledger and the web app's verifier: entries, the signed
 * checkpoint, the verifier key, entry bundles and inclusion proofs, served to the browser through
 * Playwright routes. Deterministic (fixed key seed and entries), so screenshots are stable.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafHash = (entry: Uint8Array) => sha256(Buffer.of(0), entry);
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Buffer.of(1), left, right);
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function auditPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function tileIndex(n: number): string {
  let out = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    out = `x${String(rest % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

/** An entry shaped as the ledger writes them: version, type tag, 32-byte commitment. */
function entryOf(i: number): Buffer {
  const type = i % 3 === 0 ? 'consent.given' : 'access.decision';
  return Buffer.concat([
    Buffer.of(0x01, type.length),
    Buffer.from(type, 'ascii'),
    sha256(Buffer.from(`private record ${i}`)),
  ]);
}

/** The body of `GET /v1/ledger/proof/inclusion`, as the ledger module answers it. */
export interface InclusionProofBody {
  index: number;
  size: number;
  hashes: string[];
}

export interface TlogFixture {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
  readonly checkpoint: string;
  readonly vkey: string;
  /** Bundle bytes for a path below `/ledger/` (`tile/entries/001.p/44`), if the log has it. */
  bundle(path: string): Buffer | undefined;
  inclusionProof(index: number): InclusionProofBody;
}

// A fixed Ed25519 seed wrapped as PKCS#8 DER (RFC 8410): the same key, and so the same
// checkpoint and screenshot, on every run. It signs nothing but this fixture.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** `keyName` other than `origin`: the key signs a checkpoint naming another log than its own. */
export function buildTlogFixture(
  size: number,
  origin = 'qalqan.example/log',
  keyName = origin,
): TlogFixture {
  const entries = Array.from({ length: size }, (_, i) => entryOf(i));
  const leaves = entries.map(leafHash);
  const rootHash = mth(leaves);

  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, sha256(Buffer.from('qalqan web test key'))]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(
    createPublicKey(privateKey).export({ format: 'jwk' }).x!,
    'base64url',
  );
  const keyData = Buffer.concat([Buffer.of(0x01), publicKey]);
  const keyId = sha256(Buffer.from(`${keyName}\n`), keyData).subarray(0, 4);
  const body = `${origin}\n${size}\n${rootHash.toString('base64')}\n`;
  const signature = sign(null, Buffer.from(body), privateKey);
  const checkpoint = `${body}\n\u2014 ${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;

  const bundles = new Map<string, Buffer>();
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const parts = entries
      .slice(n * 256, n * 256 + width)
      .flatMap((entry) => [Buffer.of(entry.length >> 8, entry.length & 0xff), entry]);
    bundles.set(
      `tile/entries/${tileIndex(n)}${width === 256 ? '' : `.p/${width}`}`,
      Buffer.concat(parts),
    );
  }

  return {
    origin,
    size,
    rootHash,
    checkpoint,
    vkey: `${keyName}+${keyId.toString('hex')}+${keyData.toString('base64')}`,
    bundle: (path) => bundles.get(path),
    inclusionProof: (index) => ({
      index,
      size,
      hashes: auditPath(index, leaves).map((hash) => hash.toString('base64')),
    }),
  };
}
