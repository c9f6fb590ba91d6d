// prototype: specialised XXH64 of 4 bytes
const P1H = 0x9e3779b1,
  P1L = 0x85ebca87,
  P2H = 0xc2b2ae3d,
  P2L = 0x27d4eb4f,
  P3H = 0x165667b1,
  P3L = 0x9e3779f9,
  P5H = 0x27d4eb2f,
  P5L = 0x165667c5;
const R = new Int32Array(2);
// low 64 bits of (ah:al) * (bh:bl); all args uint32/int32 bit patterns
function mul(ah, al, bh, bl) {
  const a0 = al & 0xffff,
    a1 = al >>> 16,
    b0 = bl & 0xffff,
    b1 = bl >>> 16;
  const p00 = a0 * b0;
  const mid = a1 * b0 + (p00 >>> 16); // < 2^32 + 2^16
  const mid2 = a0 * b1 + (mid & 0xffff); // < 2^32 + 2^16
  R[1] = ((mid2 & 0xffff) << 16) | (p00 & 0xffff);
  R[0] =
    (a1 * b1 + Math.floor(mid / 65536) + Math.floor(mid2 / 65536) + Math.imul(ah, bl) + Math.imul(al, bh)) |
    0;
}
export function xxh64(id, seed) {
  // h = seed + P5 + 4
  let l = (seed >>> 0) + P5L + 4;
  let h = (P5H + (l > 0xffffffff ? 1 : 0)) | 0;
  l = l | 0;
  mul(0, id, P1H, P1L);
  h ^= R[0];
  l ^= R[1];
  // rotl 23
  const nh = (h << 23) | (l >>> 9),
    nl = (l << 23) | (h >>> 9);
  mul(nh, nl, P2H, P2L);
  // + P3
  const s = (R[1] >>> 0) + P3L;
  l = s | 0;
  h = (R[0] + P3H + (s > 0xffffffff ? 1 : 0)) | 0;
  // h ^= h >>> 33
  l ^= h >>> 1;
  mul(h, l, P2H, P2L);
  h = R[0];
  l = R[1];
  // ^= >>> 29
  l ^= (l >>> 29) | (h << 3);
  h ^= h >>> 29;
  mul(h, l, P3H, P3L);
  h = R[0];
  l = R[1];
  l ^= h;
  R[0] = h;
  R[1] = l;
}

import xxhashWasm from 'xxhash-wasm';

const xx = await xxhashWasm();
const b = new Uint8Array(4);
const dv = new DataView(b.buffer);
for (const id of [0, 1, -1, 123456, 2147483647]) {
  dv.setInt32(0, id, true);
  xxh64(id, 179424941);
  const got = (BigInt(R[0] >>> 0) << 32n) | BigInt(R[1] >>> 0);
  console.log(got === xx.h64Raw(b, 179424941n));
}
const n = 1e6;
const out = new Int32Array(n);
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    xxh64(i, 179424941);
    out[i] = R[1];
  }
  console.log('Mids/s', (1e3 / (performance.now() - t)).toFixed(1));
}
