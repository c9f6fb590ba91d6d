// Bulk int32 hashing throughput per hasher, against reference npm packages called per id (what a user would
// otherwise write). Run: npm run bench:hashers  (builds first; writes benchmarks/results/hashers.{json,md})
import { writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { hashers, Rng } from '@bloom/core';
import { createHashFamily, SPOTLIGHT_SEEDS } from '@bloom/hashers';
import { bench, do_not_optimize, group, run } from 'mitata';
import MurmurHash3 from 'murmurhash3js-revisited';
import xxhashWasm from 'xxhash-wasm';

const N = 100_000; // ids per call
const M = 20_000; // buckets: compression ratio 0.2 of 1e5 ids
const K = 4;
const SEED = SPOTLIGHT_SEEDS[0];
const rng = new Rng(1);
const ids = Int32Array.from({ length: N }, () => rng.nextUint32() | 0);
const out = new Int32Array(N);
const familyOut = new Int32Array(N * K);
// String ids as user data has them (SKUs, user hashes): hashed as their UTF-8 bytes.
const strings = Array.from(ids, (id) => `sku-${(id >>> 0).toString(36)}`);
const xx = await xxhashWasm();
const bytes = new Uint8Array(4);
const view = new DataView(bytes.buffer);
const bigSeed = BigInt(SEED);
const bigM = BigInt(M);

// The references, each bucketing one id per call with the same semantics as ours (a reused 4-byte buffer:
// kinder to them than allocating per id).
const references = {
  multiplicative: () => {
    const prime = BigInt(SEED);
    for (let i = 0; i < N; i++) {
      const r = (BigInt(ids[i]) * prime) % bigM; // exact, as Python computes it
      out[i] = Number(r < 0n ? r + bigM : r);
    }
  },
  murmur3: () => {
    for (let i = 0; i < N; i++) {
      view.setInt32(0, ids[i], true);
      const h = MurmurHash3.x86.hash32(bytes, SEED) | 0;
      out[i] = ((h % M) + M) % M;
    }
  },
  xxhash32: () => {
    for (let i = 0; i < N; i++) {
      view.setInt32(0, ids[i], true);
      out[i] = (xx.h32Raw(bytes, SEED) >>> 0) % M;
    }
  },
  xxhash64: () => {
    for (let i = 0; i < N; i++) {
      view.setInt32(0, ids[i], true);
      out[i] = Number(xx.h64Raw(bytes, bigSeed) % bigM);
    }
  },
};
// The same references as a user typically writes them: fresh bytes for every id.
const leBytes = (id) => new Uint8Array(Int32Array.of(id).buffer);
const typicalReferences = {
  multiplicative: references.multiplicative,
  murmur3: () => {
    for (let i = 0; i < N; i++) {
      const h = MurmurHash3.x86.hash32(leBytes(ids[i]), SEED) | 0;
      out[i] = ((h % M) + M) % M;
    }
  },
  xxhash32: () => {
    for (let i = 0; i < N; i++) out[i] = (xx.h32Raw(leBytes(ids[i]), SEED) >>> 0) % M;
  },
  xxhash64: () => {
    for (let i = 0; i < N; i++) out[i] = Number(xx.h64Raw(leBytes(ids[i]), bigSeed) % bigM);
  },
};
const referenceName = {
  multiplicative: 'BigInt (id * prime) % m',
  murmur3: 'murmurhash3js-revisited x86.hash32',
  xxhash32: 'xxhash-wasm h32Raw',
  xxhash64: 'xxhash-wasm h64Raw',
};

for (const name of hashers.list()) {
  const hasher = hashers.get(name).create(SEED);
  const family = createHashFamily({ hasher: name, numHashes: K, buckets: M });
  group(name, () => {
    bench(`${name}: bloom bucketInt32Array`, () => do_not_optimize(hasher.bucketInt32Array(ids, M, out)));
    bench(`${name}: bloom family k=${K}`, () => do_not_optimize(family.indices(ids, familyOut)));
    bench(`${name}: bloom family k=${K}, string ids`, () =>
      do_not_optimize(family.indicesForStrings(strings, familyOut)),
    );
    bench(`${name}: reference per id (${referenceName[name]})`, references[name]);
    if (name !== 'multiplicative') bench(`${name}: reference per id, fresh bytes`, typicalReferences[name]);
  });
}

const { benchmarks } = await run({ print: (line) => process.stderr.write(`${line}\n`) });
const medians = Object.fromEntries(benchmarks.map((b) => [b.alias, b.runs[0].stats.p50]));
const rows = hashers.list().map((name) => {
  const ours = medians[`${name}: bloom bucketInt32Array`];
  const fam = medians[`${name}: bloom family k=${K}`];
  const ref = medians[`${name}: reference per id (${referenceName[name]})`];
  const typical = medians[`${name}: reference per id, fresh bytes`] ?? ref;
  const perSecond = (ns) => (N * 1e3) / ns; // p50 is in ns per call of N ids: millions of ids per second
  return {
    hasher: name,
    reference: referenceName[name],
    bloom_million_ids_per_s: perSecond(ours),
    bloom_family_k4_million_ids_per_s: perSecond(fam),
    bloom_family_k4_string_million_ids_per_s: perSecond(medians[`${name}: bloom family k=${K}, string ids`]),
    reference_million_ids_per_s: perSecond(ref),
    reference_fresh_bytes_million_ids_per_s: perSecond(typical),
    speedup: ref / ours,
    speedup_vs_fresh_bytes: typical / ours,
    // Per id, a family of k hashes against k calls of the reference (reused buffer).
    family_speedup_per_id: (K * ref) / fam,
  };
});
for (const r of rows)
  for (const key of Object.keys(r)) if (typeof r[key] === 'number') r[key] = Number(r[key].toPrecision(4));

const command = 'npm run bench:hashers';
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${platform()} ${arch()}, Node ${process.version}`;
const result = {
  command,
  date: new Date().toISOString(),
  machine,
  ids_per_call: N,
  buckets: M,
  statistic: 'median (mitata p50)',
  rows,
};
writeFileSync(new URL('./results/hashers.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
const table = [
  '| hasher | bloom bulk (M ids/s) | bloom family k=4 (M ids/s) | reference | reference, reused buffer (M ids/s) | speed-up | reference, fresh bytes per id (M ids/s) | speed-up | family k=4 per id vs 4 reference calls | family k=4, string ids (M ids/s) |',
  '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.hasher} | ${r.bloom_million_ids_per_s} | ${r.bloom_family_k4_million_ids_per_s} | ${r.reference} | ${r.reference_million_ids_per_s} | ${r.speedup}x | ${r.reference_fresh_bytes_million_ids_per_s} | ${r.speedup_vs_fresh_bytes}x | ${r.family_speedup_per_id}x | ${r.bloom_family_k4_string_million_ids_per_s} |`,
  ),
];
const markdown = `# Bulk int32 hashing throughput\n\nCommand: \`${command}\` (${result.date})\n\nMachine: ${machine}\n\n${N} random int32 ids per call into ${M} buckets; medians of mitata samples; speed-up = reference time / bloom bulk time, both in the same run. The reused-buffer reference writes each id into one 4-byte buffer (the kindest way to call it); the fresh-bytes one allocates the id's bytes per call, as code usually does. The family column compares k=4 buckets per id (murmur3: one kernel pass for the whole family) with 4 reference calls per id; the string column hashes ids like \`sku-1a2b3c\` (their UTF-8 bytes: murmur3 encodes them into the kernel's memory and hashes all k functions in one pass; the others run one hash function at a time in TypeScript). multiplicative has no package: its reference is exact BigInt arithmetic.\n\n${table.join('\n')}\n`;
writeFileSync(new URL('./results/hashers.md', import.meta.url), markdown);
process.stdout.write(`${JSON.stringify(result)}\n`);
