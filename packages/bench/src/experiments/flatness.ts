import type { BackendAdapter } from '@bloom/core';
import { type Interactions, randomTrainTestSplit } from '@bloom/data';
import { type EmbeddingSpec, ImplicitFactorizationModel } from '@bloom/models';
import { formatNumber, median, type ReportContext, reportHeader } from '../report.js';

/** Settings of {@link flatnessExperiment}. */
export interface FlatnessOptions {
  /** Epochs each model trains, one at a time in turn, after its two warm-up epochs. */
  readonly rounds: number;
  /** The small and the large item table size N. */
  readonly sizes: readonly [number, number];
  readonly dim: number;
  readonly batchSize: number;
}

/** The item tables compared: dense, and bloom at ratio 0.2 with k 4. */
export const FLATNESS_ITEMS: Readonly<Record<string, EmbeddingSpec>> = {
  dense: { strategy: 'dense', options: {} },
  bloom: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } },
};

/** One item table kind's result: median seconds per epoch at each size, and their ratio. */
export interface FlatnessRow {
  readonly embedding: string;
  readonly small: number;
  readonly large: number;
  /** large / small: 1 means an epoch costs the same whatever the table size. */
  readonly ratio: number;
  /** Every epoch's seconds, small then large. */
  readonly seconds: readonly [readonly number[], readonly number[]];
}

/**
 * How an epoch's time grows with the item table, measured in one process: BPR factorization on `interactions`
 * with the item table inflated to each of `sizes`, the two models training alternately, one epoch each, so that
 * this shared machine's swings fall on both sizes alike (a fresh process per cell lets load move a cell by half).
 * The ratio of the medians is the figure.
 */
export async function flatnessExperiment(
  adapter: BackendAdapter,
  interactions: Interactions,
  options: FlatnessOptions,
  onRound?: (embedding: string, round: number) => void,
): Promise<FlatnessRow[]> {
  const rows: FlatnessRow[] = [];
  for (const [embedding, items] of Object.entries(FLATNESS_ITEMS)) {
    const cells = options.sizes.map((n) => {
      const data = interactions.inflate({ numItems: n });
      const { train } = randomTrainTestSplit(data, { testFraction: 0.2, seed: 42 });
      const model = ImplicitFactorizationModel.create(
        { numUsers: data.numUsers, numItems: n, dim: options.dim, items, loss: 'bpr' },
        adapter,
      );
      return { train, model, seconds: [] as number[] };
    });
    try {
      // Two warm-up epochs each (JIT, and the first update allocating Adam's state), then alternate.
      for (const cell of cells) await cell.model.fit(cell.train, { epochs: 2, batchSize: options.batchSize });
      for (let round = 0; round < options.rounds; round++) {
        for (const cell of cells) {
          const [report] = await cell.model.fit(cell.train, { epochs: 1, batchSize: options.batchSize });
          cell.seconds.push(report!.seconds);
        }
        onRound?.(embedding, round + 1);
      }
    } finally {
      for (const cell of cells) cell.model.dispose();
    }
    const [small, large] = cells.map((c) => median(c.seconds)) as [number, number];
    rows.push({
      embedding,
      small,
      large,
      ratio: large / small,
      seconds: [cells[0]!.seconds, cells[1]!.seconds],
    });
  }
  return rows;
}

/** The experiment's Markdown report. */
export function flatnessMarkdown(
  context: ReportContext,
  options: FlatnessOptions & { readonly dataset: string; readonly backend: string },
  rows: readonly FlatnessRow[],
): string {
  const [small, large] = options.sizes.map((n) => n.toExponential(0));
  const lines = [
    ...reportHeader(context),
    `BPR on ${options.dataset}, dim ${options.dim}, batch ${options.batchSize}, Adam lr 1e-2, the ${options.backend} backend;`,
    `the item table inflated to ${small} and ${large} ids; bloom: ratio 0.2, k 4. The two sizes train alternately in one`,
    `process, one epoch each, ${options.rounds} rounds after two warm-up epochs; medians.`,
    '',
    `| items | s/epoch at ${small} | s/epoch at ${large} | ${large} / ${small} |`,
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.embedding} | ${formatNumber(r.small, 4)} | ${formatNumber(r.large, 4)} | ${formatNumber(r.ratio, 2)}x |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
