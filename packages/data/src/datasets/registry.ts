import { createRegistry } from '@bloom/core';
import type { DatasetDefinition } from './dataset-definition.js';
import { movielensDatasets } from './movielens.js';

/** Datasets known by name to {@link loadDataset} and `bloom datasets`. Register your own definitions here. */
export const datasets = createRegistry<DatasetDefinition>(
  'dataset',
  () => 'pass a file path to loadRatingsFile, or register a DatasetDefinition',
);

/** Registers the MovieLens definitions (done when this module loads); safe to call again. */
export function registerMovieLensDatasets(): void {
  for (const definition of movielensDatasets) {
    if (!datasets.has(definition.name)) datasets.register(definition);
  }
}

registerMovieLensDatasets();
