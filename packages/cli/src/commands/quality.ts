import { hashers, Rng } from '@bloom/core';
import { avalanche, bucketLoadChiSquare, createHashFamily, kSetCollisions } from '@bloom/hashers';
import type { Command } from 'commander';
import { integerIn, requireRegistered } from '../cli-options.js';
import type { CliIo } from '../io.js';

interface QualityOptions {
  hasher: string;
  hashes: number;
  buckets: number;
  ids: number;
  samples: number;
  seed: number;
  json?: boolean;
}

/** One hasher's report row. */
interface QualityRow {
  hasher: string;
  chi_square_z: number;
  colliding_ids: number;
  colliding_ids_ideal: number;
  avalanche_mean: number;
  avalanche_worst_bias: number;
  avalanche_worst_bias_ideal: number;
  million_ids_per_second: number;
}

/** `bloom quality`: bucket-load, collision and avalanche metrics of hashers, beside their ideal values. */
export function registerQualityCommand(program: Command, io: CliIo): void {
  program
    .command('quality')
    .description('measure hash quality (bucket load, k-set collisions, avalanche) against ideal hashing')
    .option('--hasher <names>', '"all" or comma-separated registered hashers', 'all')
    .option('--hashes <k>', 'number of hash functions', integerIn(1, 24), 4)
    .option('--buckets <m>', 'number of buckets', integerIn(2, 2 ** 31 - 1), 20_000)
    .option('--ids <n>', 'hash the consecutive ids 0..n-1', integerIn(1, 50_000_000), 100_000)
    .option('--samples <n>', 'random ids for the avalanche test', integerIn(1, 10_000_000), 2_000)
    .option('--seed <s>', 'seed of the avalanche sample', integerIn(0, Number.MAX_SAFE_INTEGER), 42)
    .option('--json', 'print the result as one JSON object on the last line of stdout')
    .action((options: QualityOptions) => runQuality(options, io));
}

function runQuality(options: QualityOptions, io: CliIo): void {
  const registered = hashers.list();
  const names =
    options.hasher === 'all'
      ? registered
      : options.hasher.split(',').map((name) => requireRegistered('--hasher', name, ['all', ...registered]));
  const ids = Int32Array.from({ length: options.ids }, (_, i) => i);
  const rows: QualityRow[] = names.map((name) => {
    io.err(`bloom quality: ${name} (${options.ids} ids, k=${options.hashes}, m=${options.buckets})\n`);
    const family = createHashFamily({ hasher: name, numHashes: options.hashes, buckets: options.buckets });
    const out = new Int32Array(ids.length * options.hashes);
    family.indices(ids, out); // warm-up, so the timing below is of optimised code
    const start = process.hrtime.bigint();
    family.indices(ids, out);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const chi = bucketLoadChiSquare(out, options.buckets);
    const collisions = kSetCollisions(out, options.hashes, options.buckets);
    const flips = avalanche(
      hashers.get(name).create(family.seeds[0]!),
      options.samples,
      new Rng(options.seed),
    );
    return {
      hasher: name,
      chi_square_z: chi.zScore,
      colliding_ids: collisions.observed,
      colliding_ids_ideal: collisions.expected,
      avalanche_mean: flips.meanFlipProbability,
      avalanche_worst_bias: flips.worstBias,
      avalanche_worst_bias_ideal: flips.expectedWorstBias,
      million_ids_per_second: ids.length / seconds / 1e6,
    };
  });
  const summary = { hashes: options.hashes, buckets: options.buckets, ids: options.ids, results: rows };
  if (options.json) {
    io.out(`${JSON.stringify(summary)}\n`);
    return;
  }
  io.out(`${formatTable(rows)}\n`);
}

function formatTable(rows: QualityRow[]): string {
  const header = ['hasher', 'chi2 z', 'colliding (ideal)', 'avalanche mean', 'worst bias (ideal)', 'Mids/s'];
  const body = rows.map((r) => [
    r.hasher,
    r.chi_square_z.toFixed(2),
    `${r.colliding_ids.toExponential(2)} (${r.colliding_ids_ideal.toExponential(2)})`,
    r.avalanche_mean.toFixed(4),
    `${r.avalanche_worst_bias.toFixed(3)} (${r.avalanche_worst_bias_ideal.toFixed(3)})`,
    r.million_ids_per_second.toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
