import { type Cell, parseCell, schemaError } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import { z } from 'zod';

/** What a job of the matrix carries: the cell, the matrix it belongs to and its time budget. Nothing else. */
export interface CellJob {
  readonly matrix: string;
  readonly cell: Cell;
  readonly budgetSeconds: number;
}

const jobSchema = z
  .object({
    matrix: z.string().min(1).max(200),
    cell: z.unknown(),
    budgetSeconds: z
      .number()
      .positive()
      .max(7 * 86400),
  })
  .strict();

/**
 * Validates a job's payload before a worker runs it: the envelope, then the cell with the cell schema, then that
 * the cell belongs to the queue it was taken from.
 * @param backend - The backend of the queue the job came from.
 * @throws ConfigError naming the bad field.
 */
export function parseCellJob(data: unknown, backend: string, source: string): CellJob {
  const envelope = jobSchema.safeParse(data);
  if (!envelope.success) throw schemaError(envelope.error, source, data);
  const cell = parseCell(envelope.data.cell, `${source}: cell`);
  if (cell.backend !== backend) {
    throw new ConfigError(
      `${source}: cell.backend`,
      `'${backend}' (the queue it was taken from)`,
      cell.backend,
    );
  }
  return { matrix: envelope.data.matrix, cell, budgetSeconds: envelope.data.budgetSeconds };
}
