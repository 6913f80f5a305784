import { randomBytes } from 'node:crypto';

// ECDSA P-256 over a digest the caller already computed, as Key Vault's sign operation does. Node's
// crypto always hashes the data it signs, so the Key Vault double signs with this instead. Test support
// only: plain BigInt arithmetic, not constant time.

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = [
  0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
];

type Point = [bigint, bigint] | null;

const mod = (value: bigint, m: bigint) => ((value % m) + m) % m;

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) {
      result = (result * b) % m;
    }
    b = (b * b) % m;
  }
  return result;
}

const inverse = (value: bigint, m: bigint) => power(value, m - 2n, m);

function add(p: Point, q: Point): Point {
  if (!p) {
    return q;
  }
  if (!q) {
    return p;
  }
  const [x1, y1] = p;
  const [x2, y2] = q;
  if (x1 === x2 && mod(y1 + y2, P) === 0n) {
    return null;
  }
  const slope =
    x1 === x2 && y1 === y2
      ? mod((3n * x1 * x1 + A) * inverse(2n * y1, P), P)
      : mod((y2 - y1) * inverse(x2 - x1, P), P);
  const x3 = mod(slope * slope - x1 - x2, P);
  return [x3, mod(slope * (x1 - x3) - y1, P)];
}

function multiply(k: bigint, point: Point): Point {
  let result: Point = null;
  let addend = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) {
      result = add(result, addend);
    }
    addend = add(addend, addend);
  }
  return result;
}

const toBigInt = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex')}`);
const toBytes = (value: bigint) =>
  Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** Signs a 32-byte digest with the private scalar `d` (a JWK's `d`); answers r||s (64 bytes). */
export function signDigest(digest: Buffer, d: Buffer): Buffer {
  const e = toBigInt(digest);
  const secret = toBigInt(d);
  for (;;) {
    const k = mod(toBigInt(randomBytes(32)), N);
    const point = k === 0n ? null : multiply(k, G);
    if (!point) {
      continue;
    }
    const r = mod(point[0], N);
    const s = mod(inverse(k, N) * (e + r * secret), N);
    if (r !== 0n && s !== 0n) {
      return Buffer.concat([toBytes(r), toBytes(s)]);
    }
  }
}
