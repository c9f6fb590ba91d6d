// The browser entry (the package's "browser" export condition): everything but the dataset loaders, which read
// files, download and cache with Node's APIs. Bundlers for the web pick this file automatically.
export { Interactions, type InteractionsInit } from './interactions.js';
export {
  formatForFileName,
  MOVIELENS_100K_FORMAT,
  MOVIELENS_CSV_FORMAT,
  MOVIELENS_DAT_FORMAT,
  type RatingsFormat,
} from './parse/ratings-format.js';
export { RatingsParser, type RawRatings } from './parse/ratings-parser.js';
export { type RemappedIds, remapIds } from './remap-ids.js';
export { type SequenceOptions, toSequence } from './sequence.js';
export { SequenceInteractions } from './sequence-interactions.js';
export { randomTrainTestSplit } from './splits/random-split.js';
export type { SeededSplitOptions, TrainTestSplit } from './splits/split-options.js';
export { type TimeSplitOptions, timeBasedTrainTestSplit } from './splits/time-split.js';
export { userBasedTrainTestSplit } from './splits/user-split.js';
export {
  type GenerateSequentialOptions,
  generateSequential,
  SPOTLIGHT_SEQUENCE_DATA,
} from './synthetic/generate-sequential.js';
export { buildUserIndex, type UserIndex } from './user-index.js';
