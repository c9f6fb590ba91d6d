import { ConfigError } from '@bloom/core';
import {
  generateSequential,
  type Interactions,
  loadDataset,
  loadRatingsFile,
  RATINGS_FORMATS,
  SPOTLIGHT_SEQUENCE_DATA,
} from '@bloom/data';

/** What `--dataset` (and `--format`) name: a registered dataset, `synthetic`, or a ratings file. */
export interface DataOptions {
  readonly dataset: string;
  readonly format?: string;
  /** Seed of the synthetic data. */
  readonly seed?: number;
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
