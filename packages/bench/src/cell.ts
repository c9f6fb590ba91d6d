import { MATRIX_MODELS, type Matrix } from './matrix.js';

/** One training run of the matrix: every axis fixed. Fields a strategy ignores are null, so cells dedupe. */
export interface Cell {
  readonly model: Matrix['axes']['model'][number];
  readonly strategy: string;
  readonly hasher: string | null;
  readonly backend: string;
  readonly dim: number;
  readonly numEmbeddings: number | null;
  readonly compression: number | null;
  readonly hashes: number | null;
  readonly dataset: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly loss: string;
  readonly lr: number;
  readonly l2: number;
  readonly seed: number;
  readonly updateMode: 'sparse' | 'dense';
  /** Sequence models' output layer; null for factorization. With `bloom`, it hashes with the cell's ratio and k. */
  readonly output: 'tied' | 'bloom' | 'softmax' | null;
  /** Whether the run scores the test split (speed runs skip it: scoring N inflated items costs more than training). */
  readonly evaluate: boolean;
  /** Which of the matrix's `repeats` runs of these settings this is, from 0. */
  readonly repeat: number;
  /** A share of the training split carved out for validation (`bloom train --validation`); absent for none. */
  readonly validation?: number;
  /** Hybrid tables: the share of the rows the most frequent ids get (`bloom train --head-share`); absent: 0.25. */
  readonly headShare?: number;
}

// Which strategies read which options (anything else, e.g. a plugin's, gets all of them).
const IGNORES: Record<string, readonly ('hasher' | 'compression' | 'hashes')[]> = {
  dense: ['hasher', 'compression', 'hashes'],
  'quotient-remainder': ['hasher', 'hashes'],
};

/** The cartesian product of the axes, in axis order, with duplicates (options a strategy ignores) removed. */
export function expandMatrix(matrix: Matrix): Cell[] {
  const { axes } = matrix;
  const cells = new Map<string, Cell>();
  for (const model of axes.model)
    for (const strategy of axes.strategy)
      for (const hasher of axes.hasher)
        for (const backend of axes.backend)
          for (const dim of axes.dim)
            for (const numEmbeddings of axes.numEmbeddings)
              for (const compression of axes.compression)
                for (const hashes of axes.hashes)
                  for (const updateMode of axes.updateMode)
                    for (const output of axes.output)
                      for (const seed of axes.seed ?? [matrix.seed])
                        for (let repeat = 0; repeat < matrix.repeats; repeat++) {
                          const ignored = IGNORES[strategy] ?? [];
                          const cell: Cell = {
                            model,
                            strategy,
                            hasher: ignored.includes('hasher') ? null : hasher,
                            backend,
                            dim,
                            numEmbeddings,
                            compression: ignored.includes('compression') ? null : compression,
                            hashes: ignored.includes('hashes') ? null : hashes,
                            dataset: matrix.dataset,
                            epochs: matrix.epochs,
                            batchSize: matrix.batchSize,
                            loss: matrix.loss,
                            lr: matrix.lr,
                            l2: matrix.l2,
                            seed,
                            updateMode,
                            // Only lstm and cnn take another output layer; the rest keep theirs (deduped).
                            output:
                              model === 'factorization' ||
                              !(MATRIX_MODELS as readonly string[]).includes(model)
                                ? null
                                : model === 'lstm' || model === 'cnn'
                                  ? output
                                  : 'tied',
                            evaluate: matrix.evaluate,
                            repeat,
                          };
                          const key = cellKey(cell);
                          if (!cells.has(key)) cells.set(key, cell);
                        }
  return [...cells.values()];
}

/** A stable identity of a cell (its fields in a fixed order): what resuming matches finished cells by. */
export function cellKey(cell: Cell): string {
  const ordered = Object.keys(cell)
    .sort()
    .map((k) => [k, cell[k as keyof Cell]]);
  return JSON.stringify(Object.fromEntries(ordered));
}

/** `bloom train` arguments that run the cell (without `--json`). */
export function trainArguments(cell: Cell): string[] {
  const args = ['train'];
  if (cell.model === 'factorization' || !(MATRIX_MODELS as readonly string[]).includes(cell.model)) {
    // A registered model's own name goes to the models registry as it is.
    args.push('--model', cell.model);
  } else {
    args.push('--model', 'sequence', '--representation', cell.model);
  }
  args.push('--embedding', cell.strategy, '--backend', cell.backend, '--dim', String(cell.dim));
  if (cell.hasher !== null) args.push('--hasher', cell.hasher);
  if (cell.compression !== null) args.push('--compression', String(cell.compression));
  if (cell.hashes !== null) args.push('--hashes', String(cell.hashes));
  if (cell.numEmbeddings !== null) args.push('--num-embeddings', String(cell.numEmbeddings));
  args.push(
    '--dataset',
    cell.dataset,
    '--epochs',
    String(cell.epochs),
    '--batch-size',
    String(cell.batchSize),
    '--loss',
    cell.loss,
    '--lr',
    String(cell.lr),
    '--l2',
    String(cell.l2),
    '--seed',
    String(cell.seed),
    '--update-mode',
    cell.updateMode,
  );
  if (!cell.evaluate) args.push('--no-eval');
  if (cell.headShare !== undefined) args.push('--head-share', String(cell.headShare));
  if (cell.validation !== undefined) args.push('--validation', String(cell.validation));
  if (cell.output !== null && cell.output !== 'tied') {
    args.push('--output', cell.output);
    if (cell.output === 'bloom')
      args.push(
        '--output-compression',
        String(cell.compression ?? 1),
        '--output-hashes',
        String(cell.hashes ?? 1),
      );
  }
  return args;
}

/** A short human label of what varies between series of a plot (everything but the table size). */
export function seriesLabel(cell: Cell): string {
  const parts = [cell.model, cell.strategy];
  if (cell.compression !== null) parts.push(`r${cell.compression}`);
  if (cell.hashes !== null) parts.push(`k${cell.hashes}`);
  if (cell.hasher !== null) parts.push(cell.hasher);
  parts.push(`d${cell.dim}`, cell.backend);
  if (cell.updateMode === 'dense') parts.push('dense-updates');
  if (cell.output !== null && cell.output !== 'tied') parts.push(`${cell.output}-output`);
  return parts.join(' ');
}
