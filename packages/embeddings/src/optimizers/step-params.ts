import type { OptimizerConfig } from '@bloom/core';

/** The numbers a device kernel needs for one optimizer step, with each optimizer's defaults filled in. */
export interface StepParams {
  readonly lr: number;
  readonly weightDecay: number;
  /** Adam's 1e-8, Adagrad's 1e-10 unless the config says otherwise. */
  readonly eps: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Adam's lr / (1 - beta1^step). */
  readonly stepSize: number;
  /** Adam's 1 / sqrt(1 - beta2^step). */
  readonly invSqrtC2: number;
}

/**
 * The parameters of step `step` (1 for the first) of `config`, as the TypeScript optimizers derive them, for
 * kernels outside this package (WGSL, CUDA) that must compute the same update.
 */
export function stepParams(config: OptimizerConfig, step: number): StepParams {
  const c = config as { lr: number; weightDecay?: number; eps?: number; beta1?: number; beta2?: number };
  const beta1 = c.beta1 ?? 0.9;
  const beta2 = c.beta2 ?? 0.999;
  return {
    lr: c.lr,
    weightDecay: c.weightDecay ?? 0,
    eps: c.eps ?? (config.kind === 'adam' ? 1e-8 : 1e-10),
    beta1,
    beta2,
    stepSize: c.lr / (1 - beta1 ** step),
    invSqrtC2: 1 / Math.sqrt(1 - beta2 ** step),
  };
}
