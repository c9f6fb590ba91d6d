import { hashers, Rng } from '@bloom/core';
import { createTypedArrayTable } from '@bloom/embeddings';
import { createHashFamily, registerBuiltinHashers } from '@bloom/hashers';
import { bench, do_not_optimize, group, run } from 'mitata';

/** One micro-benchmark's median. */
export interface MicroResult {
  readonly group: string;
  readonly benchmark: string;
  readonly medianMicroseconds: number;
}

/**
 * mitata micro-benchmarks of the kernels every training step runs: bulk hashing of int32 ids by every registered
 * hasher (k = 4 into 2e4 buckets, 1e5 ids per call), and the typed-array table kernels (lookup, and backward with
 * lazy Adam) for a dense table and a bloom table, B = 256, d = 64.
 * @param log - Where mitata's progress lines go (stderr by default; its table is not printed to stdout).
 */
export async function runMicroBenchmarks(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MicroResult[]> {
  registerBuiltinHashers();
  const groups = new Map<string, string>(); // mitata's results do not say which group a benchmark was in
  const add = (groupName: string, alias: string, fn: () => unknown) => {
    groups.set(alias, groupName);
    bench(alias, fn);
  };
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: 100_000 }, () => rng.nextUint32() | 0);
  const out = new Int32Array(ids.length * 4);
  const hashing = 'hashing: 1e5 ids, k 4, m 2e4';
  group(hashing, () => {
    for (const name of hashers.list()) {
      const family = createHashFamily({ hasher: name, numHashes: 4, buckets: 20_000, paddingIdx: null });
      add(hashing, `hash ${name}`, () => do_not_optimize(family.indices(ids, out)));
    }
  });
  const [B, D] = [256, 64];
  const grads = rng.fillNormal(new Float32Array(B * D), 0, 0.01);
  const lookedUp = new Float32Array(B * D);
  for (const c of [
    { name: 'dense N 1e4', rows: 10_000, k: 1 },
    { name: 'bloom k 4, m 2e5', rows: 200_000, k: 4 },
  ]) {
    const rows = Int32Array.from({ length: B * c.k }, () => rng.nextInt(c.rows));
    const init = rng.fillNormal(new Float32Array(c.rows * D), 0, 1 / D);
    const table = createTypedArrayTable(
      { rows: c.rows, dim: D, optimizer: { kind: 'adam', lr: 1e-3 } },
      init,
    );
    const kernels = `table kernels: ${c.name}, B ${B}, d ${D}`;
    group(kernels, () => {
      add(kernels, `${c.name}: lookup`, () => do_not_optimize(table.lookup(rows, c.k, 'sum', lookedUp)));
      add(kernels, `${c.name}: backward + lazy Adam`, () => table.applyGradients(rows, c.k, 'sum', grads));
    });
  }
  const { benchmarks } = await run({ print: log, colors: false });
  return benchmarks.flatMap((b) =>
    b.runs.map((r) => ({
      group: groups.get(b.alias) ?? '',
      benchmark: b.alias,
      medianMicroseconds: Number((r.stats!.p50 / 1e3).toPrecision(4)),
    })),
  );
}
