import { type BackendAdapter, type ModelDefinition, models } from '@bloom/core';
import {
  type ExplicitFactorizationConfig,
  ExplicitFactorizationModel,
} from './factorization/explicit-factorization.js';
import {
  type ImplicitFactorizationConfig,
  ImplicitFactorizationModel,
} from './factorization/implicit-factorization.js';
import { type NetworkSequenceConfig, NetworkSequenceModel } from './sequence/network-sequence.js';
import { type PoolingSequenceConfig, PoolingSequenceModel } from './sequence/pooling-sequence.js';

/** Spotlight's implicit factorization model (BPR and the other implicit losses). */
export const implicitFactorization: ModelDefinition<ImplicitFactorizationModel> = {
  name: 'implicit-factorization',
  description: "Spotlight's ImplicitFactorizationModel: user and item embeddings, sampled negatives",
  task: 'implicit',
  create: (config, adapter: BackendAdapter) =>
    ImplicitFactorizationModel.create(config as ImplicitFactorizationConfig, adapter),
};

/** Spotlight's explicit factorization model (ratings through the loss's link). */
export const explicitFactorization: ModelDefinition<ExplicitFactorizationModel> = {
  name: 'explicit-factorization',
  description: "Spotlight's ExplicitFactorizationModel: predicted ratings, regression, poisson or logistic",
  task: 'explicit',
  create: (config, adapter: BackendAdapter) =>
    ExplicitFactorizationModel.create(config as ExplicitFactorizationConfig, adapter),
};

/** Spotlight's pooling sequence representation. */
export const poolingSequence: ModelDefinition<PoolingSequenceModel> = {
  name: 'pooling-sequence',
  description:
    "Spotlight's ImplicitSequenceModel with the pooling representation (running mean of the items)",
  task: 'sequence',
  create: (config, adapter: BackendAdapter) =>
    PoolingSequenceModel.create(config as PoolingSequenceConfig, adapter),
};

/** Spotlight's network sequence representations (LSTM, CNN, mixture) with tied, Bloom or softmax outputs. */
export const networkSequence: ModelDefinition<NetworkSequenceModel> = {
  name: 'network-sequence',
  description:
    "Spotlight's ImplicitSequenceModel with an lstm, cnn or mixture network, and the paper's Bloom output",
  task: 'sequence',
  create: (config, adapter: BackendAdapter) =>
    NetworkSequenceModel.create(config as NetworkSequenceConfig, adapter),
};

/** The built-in model definitions. */
export const builtinModels: readonly ModelDefinition[] = [
  implicitFactorization,
  explicitFactorization,
  poolingSequence,
  networkSequence,
];

/** Registers the built-in models by name (idempotent): importing @bloom/models does it. */
export function registerBuiltinModels(): void {
  for (const definition of builtinModels) if (!models.has(definition.name)) models.register(definition);
}
