import { readFileSync } from 'node:fs';
import { DataError } from '@bloom/core';
import { z } from 'zod';
import { cellNumbers } from './cell-schema.js';
import { schemaError } from './schema-error.js';

/**
 * Shorthands for the built-in families a cell can train: factorization, or a sequence model by its
 * representation. The model axis also takes any model registered by name (a plugin's, loaded with `--plugin`),
 * which `bloom train --model NAME` creates through the models registry.
 */
export const MATRIX_MODELS = ['factorization', 'pooling', 'lstm', 'cnn', 'mixture'] as const;

const axis = <T extends z.ZodType>(item: T) => z.array(item).min(1);

/**
 * The matrix file: run settings shared by every cell, and the axes whose cartesian product is the cells.
 * Unknown keys are refused, so a misspelt axis never silently falls back to its default.
 */
export const matrixSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    dataset: z.string().min(1).default('ml-100k'),
    epochs: cellNumbers.epochs.default(3),
    batchSize: cellNumbers.batchSize.default(2048),
    loss: z.string().min(1).default('bpr'),
    lr: cellNumbers.lr.default(1e-2),
    l2: cellNumbers.l2.default(0),
    /** The seed of every cell, unless the `seed` axis lists several. */
    seed: cellNumbers.seed.default(42),
    /**
     * Runs of each cell, each a fresh process with the same settings: the report gives their median, so a noisy
     * machine's swings do not decide a figure.
     */
    repeats: z.number().int().min(1).max(100).default(1),
    /** Score the test split (MRR, RMSE) after training. */
    evaluate: z.boolean().default(true),
    /** Seconds a cell may run before it is stopped and recorded as `timeout`. */
    budgetSeconds: z.number().positive().default(300),
    axes: z
      .object({
        model: axis(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a model name')).default(['factorization']),
        strategy: axis(z.string().min(1)),
        hasher: axis(z.string().min(1)).default(['murmur3']),
        backend: axis(z.string().min(1)).default(['wasm']),
        dim: axis(cellNumbers.dim).default([32]),
        /** Item table size N (ids inflated to N rows); null for the dataset's own count. */
        numEmbeddings: axis(cellNumbers.numEmbeddings.nullable()).default([null]),
        compression: axis(cellNumbers.compression).default([0.2]),
        hashes: axis(cellNumbers.hashes).default([4]),
        /** `sparse` (the engine) or `dense` (every row each step: stock tfjs's and Spotlight's cost). */
        updateMode: axis(z.enum(['sparse', 'dense'])).default(['sparse']),
        /** Sequence models' output layer (factorization ignores it). */
        output: axis(z.enum(['tied', 'bloom', 'softmax'])).default(['tied']),
        /** Seeds of the split, weights and sampling; default the matrix's `seed`. The report averages over them. */
        seed: axis(cellNumbers.seed).optional(),
      })
      .strict(),
  })
  .strict();

/** A validated matrix, defaults filled in. */
export type Matrix = z.infer<typeof matrixSchema>;

/**
 * Validates a matrix (parsed JSON), naming the first bad field by its path.
 * @param source - Where it came from, for messages (a file name).
 * @throws ConfigError naming the field and what it allows.
 */
export function parseMatrix(value: unknown, source = 'matrix'): Matrix {
  const parsed = matrixSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw schemaError(parsed.error, source, value);
}

/** Reads and validates a matrix file. @throws DataError for unreadable or non-JSON files, ConfigError for bad fields. */
export function loadMatrix(path: string): Matrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read the matrix file: ${(error as Error).message}`, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, path);
  }
  return parseMatrix(value, path);
}
