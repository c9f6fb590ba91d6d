import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { type BackendAdapter, DataError, type Model, type ModelState, models } from '@bloom/core';
import { registerBuiltinModels } from '../registry.js';
import type { ServingIndex } from '../serving/serving-index.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';

/** Any model that keeps the model contract (the built-ins and plugins' registered models). */
export type CheckpointableModel = Model;

/**
 * Saves a model (config, including strategy, hasher, seeds and compression; weights; optimizer state; the state
 * the model keeps besides its tables) to `path`, atomically: written to a temporary file beside it, then renamed,
 * so a crash never leaves a half-written file. Everything is read asynchronously, so it works on every backend.
 */
export async function saveCheckpoint(
  model: Model,
  path: string,
  options: { serving?: ServingIndex } = {},
): Promise<void> {
  const arrays: Record<string, Float32Array> = {};
  const shapes: Record<string, readonly number[]> = {};
  for (const [name, embedding] of Object.entries(model.embeddings())) {
    arrays[`${name}.weights`] = await embedding.table.read();
    for (const [stateName, values] of Object.entries(await embedding.table.readState())) {
      arrays[`${name}.state.${stateName}`] = values;
    }
  }
  for (const [name, { values, shape }] of Object.entries((await model.saveState?.()) ?? {})) {
    arrays[`model.${name}`] = values;
    shapes[`model.${name}`] = shape;
  }
  const bytes = encodeCheckpoint(
    { kind: model.kind, config: model.config },
    arrays,
    shapes,
    servingExtras(options.serving, model.config),
  );
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
 * Loads a checkpoint onto `adapter`, creating the model through the `models` registry by the kind it was saved
 * as (a plugin's model too, once its plugin is imported); the model predicts exactly what the saved one did and
 * can train on.
 * @throws DataError for a file that is not a checkpoint, of another version, or corrupted; NotRegisteredError
 *   naming the registered models for a kind that is not registered here.
 */
export async function loadCheckpoint(path: string, adapter: BackendAdapter): Promise<Model> {
  return (await loadServable(path, adapter)).model;
}

/**
 * {@link loadCheckpoint}, with the serving index the checkpoint was saved with (`bloom train --save`): what
 * `bloom recommend` and `bloom serve` answer from. `serving` is undefined for a checkpoint saved without one.
 * `optimizerState: false` leaves the tables' optimizer state out, for a model that only answers: tables that keep
 * it beside each row (the wasm tables) then read a third of the memory per scan of the catalogue (Adam).
 */
export async function loadServable(
  path: string,
  adapter: BackendAdapter,
  options: { optimizerState?: boolean } = {},
): Promise<{ model: Model; serving: ServingIndex | undefined }> {
  registerBuiltinModels();
  const { header, arrays, ints } = decodeCheckpoint(await readFile(path), path);
  const model = models.get(header.model.kind).create(header.model.config, adapter);
  for (const [name, embedding] of Object.entries(model.embeddings())) {
    await embedding.table.write(arrays[`${name}.weights`]!);
    const prefix = `${name}.state.`;
    const state = Object.fromEntries(
      Object.entries(arrays)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, values]) => [key.slice(prefix.length), values]),
    );
    if (Object.keys(state).length > 0 && options.optimizerState !== false)
      await embedding.table.writeState(state);
  }
  if (model.loadState !== undefined) {
    const state: Record<string, { values: Float32Array; shape: readonly number[] }> = {};
    for (const entry of header.arrays) {
      // Checkpoints written before the model contract stored a network's arrays without the `model.` prefix.
      const legacy = entry.name.startsWith('network.') || entry.name.startsWith('networkOptimizer.');
      if (!entry.name.startsWith('model.') && !legacy) continue;
      const name = legacy ? entry.name : entry.name.slice('model.'.length);
      state[name] = { values: arrays[entry.name]!, shape: entry.shape ?? [arrays[entry.name]!.length] };
    }
    await model.loadState(state as ModelState);
  }
  return { model, serving: servingFrom(header.metadata, ints, path, header.model.config) };
}

// The raw ids a keyed (vocabulary-free) table of the config holds, by side.
function configKeys(config: unknown, side: 'users' | 'items'): readonly string[] | undefined {
  const keys = (config as Record<string, { options?: { keys?: unknown } } | undefined>)[side]?.options?.keys;
  return Array.isArray(keys) ? (keys as string[]) : undefined;
}

const sameIds = (a: readonly string[], b: readonly string[] | undefined) =>
  b !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);

// The serving index as checkpoint extras: its id arrays as int32 arrays, the rest as JSON metadata. Raw ids that a
// keyed table of the config already holds are not written twice: the metadata names the side to take them from.
function servingExtras(serving: ServingIndex | undefined, config: unknown) {
  if (serving === undefined) return {};
  const { seenOffsets, seenItems, catalog, ...rest } = serving;
  const metadata: Record<string, unknown> = { ...rest };
  const fromConfig: string[] = [];
  for (const side of ['users', 'items'] as const) {
    const ids = rest[side];
    if (ids !== undefined && sameIds(ids, configKeys(config, side))) {
      delete metadata[side];
      fromConfig.push(side);
    }
  }
  if (fromConfig.length > 0) metadata.idsFromConfigKeys = fromConfig;
  return {
    ints: { 'serving.seenOffsets': seenOffsets, 'serving.seenItems': seenItems, 'serving.catalog': catalog },
    metadata: { serving: metadata },
  };
}

function servingFrom(
  metadata: unknown,
  ints: Record<string, Int32Array>,
  path: string,
  config: unknown,
): ServingIndex | undefined {
  const stored = (
    metadata as
      | {
          serving?: Omit<ServingIndex, 'seenOffsets' | 'seenItems' | 'catalog'> & {
            idsFromConfigKeys?: ('users' | 'items')[];
          };
        }
      | undefined
  )?.serving;
  if (stored === undefined) return undefined;
  const { idsFromConfigKeys, ...rest } = stored;
  const restored: Record<string, unknown> = { ...rest };
  for (const side of idsFromConfigKeys ?? []) {
    const keys = configKeys(config, side);
    if (keys === undefined) {
      throw new DataError(
        `corrupted checkpoint: its serving index takes the ${side} from keys the config lacks`,
        path,
      );
    }
    restored[side] = keys;
  }
  const seenOffsets = ints['serving.seenOffsets'];
  const seenItems = ints['serving.seenItems'];
  const catalog = ints['serving.catalog'];
  if (seenOffsets === undefined || seenItems === undefined || catalog === undefined) {
    throw new DataError('corrupted checkpoint: its serving index lacks the seen items or the catalog', path);
  }
  return { ...(restored as typeof rest), seenOffsets, seenItems, catalog };
}
