import type { RegistryEntry } from './registry.js';

/** A registered model family (e.g. `factorization`, `sequence`), created from a serializable config. */
export interface ModelDefinition<Config = unknown, Model = unknown> extends RegistryEntry {
  readonly description: string;
  create(config: Config): Model;
}
