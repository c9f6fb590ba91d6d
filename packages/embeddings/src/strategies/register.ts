import { type EmbeddingStrategyDefinition, embeddingStrategies } from '@bloom/core';
import { binary } from './binary.js';
import { bloom } from './bloom.js';
import { dense } from './dense.js';
import { hash } from './hash.js';
import { hybrid } from './hybrid.js';
import { quotientRemainder } from './quotient-remainder.js';

/** The strategies this package provides. */
export const builtinStrategies: readonly EmbeddingStrategyDefinition<never>[] = [
  dense as EmbeddingStrategyDefinition<never>,
  bloom as EmbeddingStrategyDefinition<never>,
  binary as EmbeddingStrategyDefinition<never>,
  quotientRemainder as EmbeddingStrategyDefinition<never>,
  hybrid as EmbeddingStrategyDefinition<never>,
  hash as EmbeddingStrategyDefinition<never>,
];

/** Registers dense, bloom, binary, quotient-remainder, hybrid and hash in @bloom/core's registry; safe to call again. */
export function registerBuiltinStrategies(): void {
  for (const s of builtinStrategies) if (!embeddingStrategies.has(s.name)) embeddingStrategies.register(s);
}
