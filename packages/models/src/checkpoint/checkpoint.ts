import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ConfigError } from '@bloom/core';
import { ExplicitFactorizationModel } from '../factorization/explicit-factorization.js';
import type { AdapterLike } from '../factorization/factorization-config.js';
import { ImplicitFactorizationModel } from '../factorization/implicit-factorization.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';

/** The models a checkpoint can hold. */
export type CheckpointableModel = ImplicitFactorizationModel | ExplicitFactorizationModel;

const factories: Record<
  CheckpointableModel['kind'],
  (config: never, adapter: AdapterLike) => CheckpointableModel
> = {
  'implicit-factorization': ImplicitFactorizationModel.create,
  'explicit-factorization': ExplicitFactorizationModel.create,
};

/**
 * Saves a model (config, including strategy, hasher, seeds and compression; weights; optimizer state) to `path`,
 * atomically: written to a temporary file beside it, then renamed, so a crash never leaves a half-written file.
 */
export async function saveCheckpoint(model: CheckpointableModel, path: string): Promise<void> {
  const arrays: Record<string, Float32Array> = {};
  for (const [name, embedding] of Object.entries(model.net.embeddings())) {
    arrays[`${name}.weights`] = await embedding.table.read();
    for (const [stateName, values] of Object.entries(await embedding.table.readState())) {
      arrays[`${name}.state.${stateName}`] = values;
    }
  }
  const bytes = encodeCheckpoint({ kind: model.kind, config: model.config }, arrays);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Loads a checkpoint onto `adapter`; the model predicts exactly what the saved one did and can train on.
 * @throws DataError for a file that is not a checkpoint, of another version, or corrupted.
 */
export async function loadCheckpoint(path: string, adapter: AdapterLike): Promise<CheckpointableModel> {
  const { header, arrays } = decodeCheckpoint(await readFile(path), path);
  const factory = factories[header.model.kind as CheckpointableModel['kind']];
  if (factory === undefined) {
    throw new ConfigError('model.kind', `one of ${Object.keys(factories).join(', ')}`, header.model.kind);
  }
  const model = factory(header.model.config as never, adapter);
  for (const [name, embedding] of Object.entries(model.net.embeddings())) {
    await embedding.table.write(arrays[`${name}.weights`]!);
    const prefix = `${name}.state.`;
    const state = Object.fromEntries(
      Object.entries(arrays)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, values]) => [key.slice(prefix.length), values]),
    );
    if (Object.keys(state).length > 0) await embedding.table.writeState(state);
  }
  return model;
}
