export type { Availability, BackendAdapter, BackendDefinition, DeviceInfo } from './backend.js';
export type {
  CombineMode,
  EmbeddingStrategy,
  EmbeddingStrategyDefinition,
  EmbeddingStrategyOptions,
  RowMap,
} from './embedding-strategy.js';
export { strategyParameters } from './embedding-strategy.js';
export {
  type AdagradConfig,
  type AdamConfig,
  type EmbeddingTable,
  type HostTable,
  type HostTableOptions,
  isHostTable,
  OPTIMIZER_KINDS,
  type OptimizerConfig,
  type RowwiseAdagradConfig,
  type SgdConfig,
  TABLE_OPTIONS,
  type TableAccess,
  type TableFormulation,
  type TableGroup,
  type TableMemory,
  type TableOptions,
  type UpdateMode,
} from './embedding-table.js';
export {
  AlreadyRegisteredError,
  BackendUnavailableError,
  BloomError,
  type BloomErrorCode,
  ConfigError,
  DataError,
  DeviceError,
  describeValue,
  IdRangeError,
  NotImplementedError,
  NotRegisteredError,
  TrainingError,
} from './errors.js';
export type { HashFamily, HashFamilyConfig, PaddingOptions } from './hash-family.js';
export type { Hasher, HasherDefinition } from './hasher.js';
export type { Model, ModelDefinition, ModelEpoch, ModelState, ModelTask } from './model.js';
export { NumpyRandomState } from './numpy-random.js';
export { Rng, type RngState } from './random.js';
export { backends, embeddingStrategies, hashers, models } from './registries.js';
export { createRegistry, type RegisterOptions, Registry, type RegistryEntry } from './registry.js';
export {
  type DenseAdam,
  type DenseAdamState,
  type FactorizationLoss,
  type FactorizationTrainer,
  type FactorizationTrainerSpec,
  type FusedEmbedding,
  type FusedTrainer,
  isExplicitLoss,
  negativesPerPositive,
  type ScoreLoss,
  type SequenceLoss,
  type SequenceRepresentationName,
  type SequenceTrainer,
  type SequenceTrainerOutput,
  type SequenceTrainerSpec,
  type TrainerFactory,
  type TrainerKind,
  type TrainerKinds,
} from './trainers.js';
export { INT32_MAX, INT32_MIN, requireInteger, requireKnownOptions, requireOneOf } from './validate.js';
