import { ConfigError, hashers } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import { type Command, Option } from 'commander';
import { integerIn, parseIds, parseSeeds, requireRegistered } from '../cli-options.js';
import type { CliIo } from '../io.js';

interface HashOptions {
  hasher: string;
  hashes: number;
  buckets: number;
  ids: number[];
  paddingIdx?: number;
  reservePaddingRow?: boolean;
  seeds: number[] | 'spotlight';
  json?: boolean;
}

// The library's option names, as the command spells them.
const FLAG_OF: Record<string, string> = {
  numHashes: '--hashes',
  buckets: '--buckets',
  paddingIdx: '--padding-idx',
  reservePaddingRow: '--reserve-padding-row',
};

/** `bloom hash`: bucket indices of ids under a hash family. */
export function registerHashCommand(program: Command, io: CliIo): void {
  program
    .command('hash')
    .description('hash ids into Bloom buckets with k hash functions')
    .requiredOption(
      '--hasher <name>',
      'registered hasher (multiplicative, murmur3, xxhash32, xxhash64, or a plugin)',
    )
    .requiredOption('--hashes <k>', 'number of hash functions', integerIn(1, 1024))
    .requiredOption('--buckets <m>', 'number of buckets', integerIn(1, 2 ** 31 - 1))
    .requiredOption('--ids <list>', 'comma-separated int32 ids, e.g. 0,1,2', parseIds)
    .option(
      '--padding-idx <id>',
      'id mapped to row 0 by every hash function (Spotlight: 0)',
      integerIn(-(2 ** 31), 2 ** 31 - 1),
    )
    .option('--reserve-padding-row', 'hash real ids into rows 1..m-1 so none shares the padding row')
    .addOption(
      new Option('--seeds <list>', '"spotlight" or comma-separated seeds, one per hash function')
        .default('spotlight')
        .argParser(parseSeeds),
    )
    .option('--json', 'print the result as one JSON object on the last line of stdout')
    .action((options: HashOptions) => runHash(options, io));
}

function runHash(options: HashOptions, io: CliIo): void {
  const hasher = requireRegistered('--hasher', options.hasher, hashers.list());
  let family: ReturnType<typeof createHashFamily>;
  try {
    family = createHashFamily({
      hasher,
      numHashes: options.hashes,
      buckets: options.buckets,
      ...(options.seeds === 'spotlight' ? {} : { seeds: options.seeds }),
      paddingIdx: options.paddingIdx ?? null,
      reservePaddingRow: options.reservePaddingRow ?? false,
    });
  } catch (error) {
    if (error instanceof ConfigError && error.option in FLAG_OF) {
      throw new ConfigError(FLAG_OF[error.option]!, error.allowed, error.received);
    }
    throw error;
  }
  const k = family.numHashes;
  const flat = family.indices(Int32Array.from(options.ids));
  const indices = options.ids.map((_, i) => Array.from(flat.subarray(i * k, i * k + k)));
  if (options.json) {
    const result = {
      hasher: family.hasher,
      hashes: k,
      buckets: family.buckets,
      seeds: family.seeds,
      padding_idx: family.paddingIdx,
      reserve_padding_row: family.reservePaddingRow,
      ids: options.ids,
      indices,
    };
    io.out(`${JSON.stringify(result)}\n`);
    return;
  }
  const header = ['id', ...family.seeds.map((_, j) => `h${j}`)];
  const rows = options.ids.map((id, i) => [String(id), ...indices[i]!.map(String)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  io.out(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}
