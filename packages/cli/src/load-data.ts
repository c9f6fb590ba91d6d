import { ConfigError } from '@bloom/core';
import {
  generateSequential,
  type IdVocabulary,
  type Interactions,
  loadDataset,
  loadRatingsFile,
  RATINGS_FORMATS,
  readInteractionsFile,
  SPOTLIGHT_SEQUENCE_DATA,
} from '@bloom/data';
import { readColumnsSpec } from './columns-spec.js';

/** What `--dataset` (and `--format`) name: a registered dataset, `synthetic`, or a ratings file. */
export interface DataOptions {
  readonly dataset: string;
  readonly format?: string;
  /** Seed of the synthetic data. */
  readonly seed?: number;
  /** Columns of the user's own CSV/TSV file (`--user-col` and the rest). */
  readonly userCol?: string;
  readonly itemCol?: string;
  readonly ratingCol?: string;
  readonly timeCol?: string;
  readonly separator?: string;
  /** Whether the file's first line names its columns (`--no-header`: columns by 0-based position). */
  readonly header?: boolean;
  /** A JSON file with the same (`--columns`): `{ user, item, rating?, time?, separator?, header? }`. */
  readonly columns?: string;
}

/** The interactions, and the raw ids behind their contiguous ids when the file had its own (string) ids. */
export interface LoadedData {
  readonly interactions: Interactions;
  readonly users?: IdVocabulary;
  readonly items?: IdVocabulary;
}

const COLUMN_OPTIONS = ['userCol', 'itemCol', 'ratingCol', 'timeCol', 'separator'] as const;
const FLAG: Record<(typeof COLUMN_OPTIONS)[number], string> = {
  userCol: '--user-col',
  itemCol: '--item-col',
  ratingCol: '--rating-col',
  timeCol: '--time-col',
  separator: '--separator',
};

/**
 * {@link loadInteractions}, or with `--user-col` and `--item-col` the user's own delimited file: any column names,
 * string or integer ids (mapped to contiguous ids, with their vocabularies), quoted fields.
 */
export async function loadData(asked: DataOptions): Promise<LoadedData> {
  let options = asked;
  if (options.columns !== undefined) {
    const flags = COLUMN_OPTIONS.filter((key) => options[key] !== undefined).map((key) => FLAG[key]);
    if (flags.length > 0) {
      throw new ConfigError(
        '--columns',
        `no ${flags.join(', ')} beside it (the file names the columns)`,
        options.columns,
      );
    }
    const spec = await readColumnsSpec(options.columns);
    options = {
      ...options,
      userCol: spec.user,
      itemCol: spec.item,
      ratingCol: spec.rating,
      timeCol: spec.time,
      separator: spec.separator,
      header: spec.header ?? options.header,
    };
  }
  const given = COLUMN_OPTIONS.filter((key) => options[key] !== undefined);
  if (given.length === 0 && options.header !== false)
    return { interactions: await loadInteractions(options) };
  for (const key of ['userCol', 'itemCol'] as const) {
    if (options[key] === undefined) {
      throw new ConfigError(
        FLAG[key],
        `a column name with ${given.map((k) => FLAG[k]).join(', ') || '--no-header'} (your own file needs --user-col and --item-col)`,
        undefined,
      );
    }
  }
  if (options.format !== undefined) {
    throw new ConfigError(
      '--format',
      'no --format with --user-col and --item-col (the columns say it)',
      options.format,
    );
  }
  const { interactions, users, items } = await readInteractionsFile(options.dataset, {
    user: options.userCol!,
    item: options.itemCol!,
    rating: options.ratingCol,
    time: options.timeCol,
    separator: options.separator,
    header: options.header,
  });
  return { interactions, users, items };
}

/**
 * The interactions `--dataset` names: `synthetic` (Spotlight's sequence test data: 100 users, 100 items, 20000
 * interactions, concentration 1e-3, order 2), a path (anything with a `/` or `.`: a ratings file, its layout from
 * its name or `--format`), or a registered dataset by name.
 */
export async function loadInteractions(options: DataOptions): Promise<Interactions> {
  if (options.dataset === 'synthetic') {
    return generateSequential({ ...SPOTLIGHT_SEQUENCE_DATA, seed: options.seed ?? 42 });
  }
  const isPath = options.dataset.includes('/') || options.dataset.includes('.');
  if (!isPath && options.format !== undefined) {
    throw new ConfigError(
      '--format',
      'a ratings file path as --dataset (named datasets know their layout)',
      options.format,
    );
  }
  const format = options.format === undefined ? undefined : RATINGS_FORMATS[options.format];
  const loaded = isPath
    ? await loadRatingsFile(options.dataset, { format })
    : await loadDataset(options.dataset);
  return loaded.interactions;
}
