export type { DatasetDefinition, IdMapping } from './datasets/dataset-definition.js';
export type { DownloadResult, ProgressCallback } from './datasets/download.js';
export { EMBEDDED_DATASET } from './datasets/embedded.js';
export {
  type CacheManifest,
  ChecksumError,
  type FetchOptions,
  fetchDataset,
} from './datasets/fetch-dataset.js';
export {
  DatasetNotFoundError,
  type DatasetSourceKind,
  type LoadedDataset,
  type LoadOptions,
  loadDataset,
  loadRatingsFile,
  locateDataset,
} from './datasets/load-dataset.js';
export {
  cachedDatasetDir,
  type DataLocations,
  resolveCacheDir,
  resolveDataDir,
} from './datasets/locations.js';
export { movielensDatasets } from './datasets/movielens.js';
export { datasets, registerMovieLensDatasets } from './datasets/registry.js';
export { Interactions, type InteractionsInit } from './interactions.js';
export {
  formatForFileName,
  MOVIELENS_100K_FORMAT,
  MOVIELENS_CSV_FORMAT,
  MOVIELENS_DAT_FORMAT,
  type RatingsFormat,
} from './parse/ratings-format.js';
export { RatingsParser, type RawRatings } from './parse/ratings-parser.js';
export { parseRatingsBytes, readRatingsFile } from './parse/read-ratings-file.js';
export { type RemappedIds, remapIds } from './remap-ids.js';
export { type SequenceOptions, toSequence } from './sequence.js';
export { SequenceInteractions } from './sequence-interactions.js';
export { randomTrainTestSplit } from './splits/random-split.js';
export type { SeededSplitOptions, TrainTestSplit } from './splits/split-options.js';
export { type TimeSplitOptions, timeBasedTrainTestSplit } from './splits/time-split.js';
export { userBasedTrainTestSplit } from './splits/user-split.js';
export { type GenerateSequentialOptions, generateSequential } from './synthetic/generate-sequential.js';
export { buildUserIndex, type UserIndex } from './user-index.js';
