import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ConfigError, type EmbeddingTable } from '@bloom/core';
import type { SparseEmbedding } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { ExplicitFactorizationModel } from '../factorization/explicit-factorization.js';
import type { AdapterLike } from '../factorization/factorization-config.js';
import { ImplicitFactorizationModel } from '../factorization/implicit-factorization.js';
import { NetworkSequenceModel } from '../sequence/network-sequence.js';
import { PoolingSequenceModel } from '../sequence/pooling-sequence.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';

/** The models a checkpoint can hold. */
export type CheckpointableModel =
  | ImplicitFactorizationModel
  | ExplicitFactorizationModel
  | PoolingSequenceModel
  | NetworkSequenceModel;

/** A model's tables by name. */
function tablesOf(model: CheckpointableModel): Record<string, SparseEmbedding<EmbeddingTable>> {
  return 'net' in model ? model.net.embeddings() : { items: model.items, itemBias: model.itemBias };
}

const factories: Record<
  CheckpointableModel['kind'],
  (config: never, adapter: AdapterLike) => CheckpointableModel
> = {
  'implicit-factorization': ImplicitFactorizationModel.create,
  'explicit-factorization': ExplicitFactorizationModel.create,
  'pooling-sequence': PoolingSequenceModel.create,
  'network-sequence': NetworkSequenceModel.create,
};

/**
 * Saves a model (config, including strategy, hasher, seeds and compression; weights; optimizer state) to `path`,
 * atomically: written to a temporary file beside it, then renamed, so a crash never leaves a half-written file.
 */
export async function saveCheckpoint(model: CheckpointableModel, path: string): Promise<void> {
  const arrays: Record<string, Float32Array> = {};
  const shapes: Record<string, readonly number[]> = {};
  for (const [name, embedding] of Object.entries(tablesOf(model))) {
    arrays[`${name}.weights`] = await embedding.table.read();
    for (const [stateName, values] of Object.entries(await embedding.table.readState())) {
      arrays[`${name}.state.${stateName}`] = values;
    }
  }
  if (model instanceof NetworkSequenceModel) {
    // Asynchronous reads: WebGPU (in Node, and in browsers) has no synchronous read back.
    for (const [i, v] of model.networkVariables.entries()) {
      arrays[`network.${i}`] = Float32Array.from(await v.data());
      shapes[`network.${i}`] = v.shape;
    }
    // The network optimizer's state: its iteration count, then its moments, in its own order.
    for (const [i, { tensor }] of (await model.networkOptimizer.getWeights()).entries()) {
      arrays[`networkOptimizer.${i}`] = Float32Array.from(await tensor.data());
      shapes[`networkOptimizer.${i}`] = tensor.shape;
    }
  }
  const bytes = encodeCheckpoint({ kind: model.kind, config: model.config }, arrays, shapes);
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
  for (const [name, embedding] of Object.entries(tablesOf(model))) {
    await embedding.table.write(arrays[`${name}.weights`]!);
    const prefix = `${name}.state.`;
    const state = Object.fromEntries(
      Object.entries(arrays)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, values]) => [key.slice(prefix.length), values]),
    );
    if (Object.keys(state).length > 0) await embedding.table.writeState(state);
  }
  if (model instanceof NetworkSequenceModel) {
    model.networkVariables.forEach((v, i) => {
      v.assign(tf.tensor(arrays[`network.${i}`]!, v.shape));
    });
    const entries = header.arrays.filter((e) => e.name.startsWith('networkOptimizer.'));
    if (entries.length > 0) {
      await model.networkOptimizer.setWeights(
        entries.map((e) => ({ name: e.name, tensor: tf.tensor(arrays[e.name]!, e.shape as number[]) })),
      );
    }
  }
  return model;
}
