import { type EmbeddingStrategyDefinition, embeddingStrategies } from '@bloom/core';
import { binary } from './binary.js';
import { bloom } from './bloom.js';
import { dense } from './dense.js';

/** The strategies this package provides. */
export const builtinStrategies: readonly EmbeddingStrategyDefinition<never>[] = [
  dense as EmbeddingStrategyDefinition<never>,
  bloom as EmbeddingStrategyDefinition<never>,
  binary as EmbeddingStrategyDefinition<never>,
];

/** Registers dense, bloom and binary in @bloom/core's registry; safe to call again. */
export function registerBuiltinStrategies(): void {
  for (const s of builtinStrategies) if (!embeddingStrategies.has(s.name)) embeddingStrategies.register(s);
}
