import { ConfigError, OPTIMIZER_KINDS, type OptimizerConfig, requireKnownOptions } from '@bloom/core';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import type { RowOptimizer } from './row-optimizer.js';
import { rowwiseAdagrad } from './rowwise-adagrad.js';
import { sgd } from './sgd.js';

type Factories = {
  [K in OptimizerConfig['kind']]: (config: Extract<OptimizerConfig, { kind: K }>) => RowOptimizer;
};

// A Record keyed by every kind: adding a kind to OptimizerConfig fails to compile until it is handled here.
const factories: Factories = { sgd, adagrad, 'rowwise-adagrad': rowwiseAdagrad, adam };

// The fields each kind takes, so that a misspelt one (`weight_decay`) is refused rather than ignored.
const OPTIMIZER_OPTIONS: Record<OptimizerConfig['kind'], readonly string[]> = {
  sgd: ['kind', 'lr', 'weightDecay'],
  adagrad: ['kind', 'lr', 'initialAccumulator', 'eps', 'weightDecay'],
  'rowwise-adagrad': ['kind', 'lr', 'eps', 'weightDecay'],
  adam: ['kind', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
};

/**
 * Builds the row optimizer for `config` after validating it.
 * @throws ConfigError naming the bad field and its allowed range.
 */
export function createRowOptimizer(config: OptimizerConfig): RowOptimizer {
  if (!OPTIMIZER_KINDS.includes(config?.kind)) {
    throw new ConfigError('optimizer.kind', `one of ${OPTIMIZER_KINDS.join(', ')}`, config?.kind);
  }
  requireKnownOptions('optimizer', config, OPTIMIZER_OPTIONS[config.kind]);
  positive('optimizer.lr', config.lr);
  nonNegative('optimizer.weightDecay', config.weightDecay ?? 0);
  if ('eps' in config && config.eps !== undefined) positive('optimizer.eps', config.eps);
  if (config.kind === 'adam') {
    for (const [name, beta] of [
      ['beta1', config.beta1],
      ['beta2', config.beta2],
    ] as const) {
      if (beta !== undefined && !(beta >= 0 && beta < 1))
        throw new ConfigError(`optimizer.${name}`, 'a number in [0, 1)', beta);
    }
  }
  if (config.kind === 'adagrad') nonNegative('optimizer.initialAccumulator', config.initialAccumulator ?? 0);
  return (factories[config.kind] as (c: OptimizerConfig) => RowOptimizer)(config);
}

function positive(option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new ConfigError(option, 'a finite number > 0', value);
  }
}

function nonNegative(option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ConfigError(option, 'a finite number >= 0', value);
  }
}
