import type { BackendDefinition } from './backend.js';
import type { EmbeddingStrategyDefinition } from './embedding-strategy.js';
import type { HasherDefinition } from './hasher.js';
import type { ModelDefinition } from './model.js';
import { createRegistry } from './registry.js';

/** The process-wide hasher registry. `@bloom/hashers` registers the built-ins on import. */
export const hashers = createRegistry<HasherDefinition>(
  'hasher',
  () => "import '@bloom/hashers' to register the built-in hashers, or register your own",
);

/** The process-wide embedding strategy registry. */
export const embeddingStrategies = createRegistry<EmbeddingStrategyDefinition>(
  'embedding strategy',
  () => "import '@bloom/embeddings' to register the built-in strategies",
);

/** The process-wide backend registry; each `@bloom/backend-*` package registers itself on import. */
export const backends = createRegistry<BackendDefinition>(
  'backend',
  (name) => `install and import '@bloom/backend-${name}'`,
);

/** The process-wide model registry. */
export const models = createRegistry<ModelDefinition>(
  'model',
  () => "import '@bloom/models' to register the built-in models",
);
