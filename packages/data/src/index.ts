// Everything that runs anywhere (the browser entry), plus the dataset loaders, which use Node's file and network APIs.
export * from './browser.js';
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
export {
  formatForFileName,
  MOVIELENS_100K_FORMAT,
  MOVIELENS_CSV_FORMAT,
  MOVIELENS_DAT_FORMAT,
  RATINGS_FORMATS,
  type RatingsFormat,
} from './parse/ratings-format.js';
export { parseRatingsBytes, readRatingsFile } from './parse/read-ratings-file.js';
export { IdVocabulary } from './table/id-vocabulary.js';
export {
  type InteractionsFile,
  type InteractionsFileSpec,
  readInteractionsFile,
} from './table/read-interactions-file.js';
export { parseTimeValue } from './table/time-value.js';
export { unreadableFileReason } from './unreadable-file.js';
