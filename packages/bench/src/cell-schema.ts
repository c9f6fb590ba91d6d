import { z } from 'zod';
import type { Cell } from './cell.js';
import { schemaError } from './schema-error.js';

// A name as registries spell them: it can never start with '-' (so it is never read as an option) and holds no
// path separators, spaces or shell characters.
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, ".", "_" and "-"');

/**
 * The numeric fields of a cell with their ranges. The matrix schema builds its axes and run settings from the
 * same definitions, so the two never disagree on a number. The cell schema is stricter only on strings: names,
 * and a dataset by name rather than by path.
 */
export const cellNumbers = {
  dim: z.number().int().min(1).max(65536),
  numEmbeddings: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1),
  compression: z.number().positive().max(1e6),
  hashes: z.number().int().min(1).max(24),
  epochs: z.number().int().min(1).max(1000),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(1 << 24),
  lr: z.number().positive().max(1e6),
  l2: z.number().min(0).max(1e6),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  repeat: z.number().int().min(0).max(1000),
} as const;

/**
 * One cell as data, checked field by field. Cells that cross a process or machine boundary (jobs on a queue) are
 * parsed with it before anything runs: unknown fields are refused, strings are names, numbers are in range.
 * The dataset must be a name (each machine resolves it in its own data folder), not a path.
 */
export const cellSchema = z
  .object({
    model: name,
    strategy: name,
    hasher: name.nullable(),
    backend: name,
    dim: cellNumbers.dim,
    numEmbeddings: cellNumbers.numEmbeddings.nullable(),
    compression: cellNumbers.compression.nullable(),
    hashes: cellNumbers.hashes.nullable(),
    dataset: name,
    epochs: cellNumbers.epochs,
    batchSize: cellNumbers.batchSize,
    loss: name,
    lr: cellNumbers.lr,
    l2: cellNumbers.l2,
    seed: cellNumbers.seed,
    updateMode: z.enum(['sparse', 'dense']),
    output: z.enum(['tied', 'bloom', 'softmax']).nullable(),
    evaluate: z.boolean(),
    repeat: cellNumbers.repeat,
    validation: z.number().gt(0).lt(1).optional(),
    headShare: z.number().min(0).max(1).optional(),
  })
  .strict();

/**
 * Validates a cell that came from outside this process.
 * @param source - Where it came from, for messages (a job id).
 * @throws ConfigError naming the first bad field and what it allows.
 */
export function parseCell(value: unknown, source = 'cell'): Cell {
  const parsed = cellSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw schemaError(parsed.error, source, value);
}
