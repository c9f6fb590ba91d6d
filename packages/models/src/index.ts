import { registerBuiltinModels } from './registry.js';

export {
  type CheckpointableModel,
  loadCheckpoint,
  loadServable,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { CHECKPOINT_VERSION, type CheckpointHeader } from './checkpoint/checkpoint-format.js';
export { mrrScore } from './evaluation/mrr.js';
export { meanRating, popularityScorer, sequencePopularityModel } from './evaluation/popularity.js';
export { precisionRecallAtK } from './evaluation/precision-recall.js';
export type { RankingOptions, RankingScorer } from './evaluation/ranking-scorer.js';
export { rmseScore } from './evaluation/rmse.js';
export { sequenceMrrScore, sequenceMrrScoreAsync } from './evaluation/sequence-mrr.js';
export { type Recommendations, recommend, recommendNext, topKForUsers } from './evaluation/top-k.js';
export { BilinearNet } from './factorization/bilinear-net.js';
export {
  type ExplicitFactorizationConfig,
  ExplicitFactorizationModel,
} from './factorization/explicit-factorization.js';
export type { EmbeddingSpec, FactorizationConfig } from './factorization/factorization-config.js';
export type { TrainingPath } from './factorization/fused-training.js';
export {
  type ImplicitFactorizationConfig,
  ImplicitFactorizationModel,
} from './factorization/implicit-factorization.js';
export { type ExplicitLossName, explicitLosses } from './losses/explicit-losses.js';
export { type ImplicitLossName, implicitLosses } from './losses/implicit-losses.js';
export {
  builtinModels,
  explicitFactorization,
  implicitFactorization,
  networkSequence,
  poolingSequence,
  registerBuiltinModels,
} from './registry.js';
export { BloomOutputLayer, type SequenceOutput } from './sequence/bloom-output.js';
export { type NetworkSequenceConfig, NetworkSequenceModel } from './sequence/network-sequence.js';
export { type PoolingSequenceConfig, PoolingSequenceModel } from './sequence/pooling-sequence.js';
export {
  cnnRepresentation,
  lstmRepresentation,
  mixtureRepresentation,
  type NetworkRepresentationName,
  type SequenceRepresentation,
} from './sequence/representations.js';
export { SEQUENCE_LOSSES, type SequenceLossConfig } from './sequence/sequence-tables.js';
export type { BatchProgress, EpochReport, ExampleColumns, FitOptions } from './training-loop.js';

// Importing the package makes the built-in models available by name (bloom train --model, checkpoints).
registerBuiltinModels();

export {
  type RawId,
  type Recommendation,
  Recommender,
  type RecommendOptions,
} from './serving/recommender.js';
export { buildServingIndex, type ServingIndex } from './serving/serving-index.js';
export { topK } from './serving/top-k.js';
