import { registerBuiltinStrategies } from './strategies/register.js';

export { initialWeights } from './initial-weights.js';
export { adagrad } from './optimizers/adagrad.js';
export { adam } from './optimizers/adam.js';
export { createRowOptimizer } from './optimizers/create-optimizer.js';
export {
  type KernelCall,
  type OptimizerKernel,
  type RowOptimizer,
  type RowUpdate,
  stateWidth,
} from './optimizers/row-optimizer.js';
export { rowwiseAdagrad } from './optimizers/rowwise-adagrad.js';
export { sgd } from './optimizers/sgd.js';
export { type StepParams, stepParams } from './optimizers/step-params.js';
export { hostTable, SparseEmbedding, type SparseEmbeddingOptions } from './sparse-embedding.js';
export { type DenseParameters, type StepLookup, sparseStep } from './sparse-step.js';
export { BINARY, binary } from './strategies/binary.js';
export { BLOOM, type BloomOptions, bloom, createBloomStrategy } from './strategies/bloom.js';
export { createDenseStrategy, DENSE, type DenseOptions, dense } from './strategies/dense.js';
export { createHashStrategy, HASH, type HashOptions, hash } from './strategies/hash.js';
export {
  createHybridStrategy,
  fitHybridHead,
  HYBRID,
  type HybridOptions,
  hybrid,
} from './strategies/hybrid.js';
export {
  createQuotientRemainderStrategy,
  QUOTIENT_REMAINDER,
  type QuotientRemainderOptions,
  quotientRemainder,
} from './strategies/quotient-remainder.js';
export { builtinStrategies, registerBuiltinStrategies } from './strategies/register.js';
export { createTypedArrayTable } from './tables/create-table.js';
export { GatherTable } from './tables/gather-table.js';
export { MultiHotMatmulTable } from './tables/multi-hot-matmul-table.js';
export { RowSlots, slotHashCapacity } from './tables/row-slots.js';
export { type Segments, segmentRows } from './tables/segments.js';
export { TypedArrayAdapter } from './tables/typed-array-adapter.js';
export { plainStorage, type RowStorage, TypedArrayTable } from './tables/typed-array-table.js';
export { checkBatch, checkK, checkLength, checkRows } from './tables/validate-rows.js';
export { createWeightedTable, WeightedHostTable, WeightedTensorTable } from './tables/weighted-table.js';
export { isTensorTable, type TensorTable } from './tensor-table.js';

// Importing the package makes the built-in strategies (dense, bloom, binary, quotient-remainder, hybrid, hash)
// available by name.
registerBuiltinStrategies();
