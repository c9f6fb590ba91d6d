import type { BackendAdapter, Model } from '@bloom/core';
import { generateSequential, SPOTLIGHT_SEQUENCE_DATA, userBasedTrainTestSplit } from '@bloom/data';
import { NetworkSequenceModel, PoolingSequenceModel } from '@bloom/models';
import { formatNumber, median, type ReportContext, reportHeader } from '../report.js';

/** One representation's settings in Spotlight's sequence acceptance tests, and its MRR floors by item ratio. */
interface FloorSettings {
  readonly k: number;
  readonly epochs: number;
  readonly l2: number;
  /** Spotlight's floor at each compression ratio; none for mixture, which its tests do not cover. */
  readonly floors: Readonly<Record<string, number>>;
}

/**
 * Spotlight's sequence acceptance floors (tests/sequence/test_sequence_implicit.py) on its synthetic data, by
 * representation. Mixture has none there; it runs with the LSTM's settings, for comparison.
 */
export const SPOTLIGHT_SEQUENCE_FLOORS: Readonly<Record<string, FloorSettings>> = {
  cnn: { k: 2, epochs: 5, l2: 0, floors: { '0.2': 0.14, '0.5': 0.3, '1': 0.5 } },
  lstm: { k: 4, epochs: 25, l2: 1e-7, floors: { '0.2': 0.18, '0.5': 0.4, '1': 0.6 } },
  mixture: { k: 4, epochs: 25, l2: 1e-7, floors: {} },
  pooling: { k: 2, epochs: 25, l2: 0, floors: { '0.2': 0.06, '0.5': 0.07, '1': 0.13 } },
};

/** One run: a representation at an item compression ratio, against its floor. */
export interface SequenceFloorRow {
  readonly model: string;
  readonly ratio: number;
  readonly k: number;
  readonly epochs: number;
  readonly l2: number;
  readonly mrr: number;
  readonly floor: number | null;
  readonly met: boolean | null;
  /** The median epoch. */
  readonly secondsPerEpoch: number;
}

/**
 * Spotlight's sequence floors, as a recorded run (25 epochs each is too slow for CI): its synthetic data (100
 * users, 100 items, 20000 interactions, concentration 1e-3, order 2, seed 42), a user split (seed 42), sequences
 * of 10; BPR, batch 128, dim 32, Adam lr 1e-2 with the representation's l2; items through bloom at each ratio.
 */
export async function sequenceFloorsExperiment(
  adapter: BackendAdapter,
  options: { readonly ratios: readonly number[]; readonly models: readonly string[] },
  onRun?: (row: SequenceFloorRow) => void,
): Promise<SequenceFloorRow[]> {
  const data = generateSequential({ ...SPOTLIGHT_SEQUENCE_DATA, seed: 42 });
  const split = userBasedTrainTestSplit(data, { seed: 42 });
  const train = split.train.toSequence({ maxLength: 10 });
  const test = split.test.toSequence({ maxLength: 10 });
  const rows: SequenceFloorRow[] = [];
  for (const name of options.models) {
    const settings = SPOTLIGHT_SEQUENCE_FLOORS[name]!;
    for (const ratio of options.ratios) {
      const config = {
        numItems: 100,
        dim: 32,
        loss: 'bpr' as const,
        items: { strategy: 'bloom', options: { compressionRatio: ratio, numHashes: settings.k } },
        optimizer: { kind: 'adam' as const, lr: 1e-2, weightDecay: settings.l2 },
        seed: 1,
      };
      const model: Model =
        name === 'pooling'
          ? PoolingSequenceModel.create(config, adapter)
          : NetworkSequenceModel.create(
              { ...config, representation: name as 'lstm' | 'cnn' | 'mixture' },
              adapter,
            );
      try {
        const reports = await model.fit(train, { epochs: settings.epochs, batchSize: 128 });
        const { mrr } = (await model.evaluate(test, train)) as { mrr: number };
        const floor = settings.floors[String(ratio)] ?? null;
        const row = {
          model: name,
          ratio,
          k: settings.k,
          epochs: settings.epochs,
          l2: settings.l2,
          mrr,
          floor,
          met: floor === null ? null : mrr >= floor,
          secondsPerEpoch: median(reports.map((r) => r.seconds)),
        };
        rows.push(row);
        onRun?.(row);
      } finally {
        model.dispose();
      }
    }
  }
  return rows;
}

/** The experiment's Markdown report. */
export function sequenceFloorsMarkdown(context: ReportContext, rows: readonly SequenceFloorRow[]): string {
  const lines = [
    ...reportHeader(context),
    'Data: generateSequential(100 users, 100 items, 20000 interactions, concentration 1e-3, order 2, seed 42), user',
    'split seed 42, sequences of 10; BPR, batch 128, dim 32, Adam lr 1e-2 (l2 as weight decay on every weight, as',
    "torch applies it); items through bloom with the ratio and k shown. Floors: Spotlight's sequence tests.",
    '',
    '| model | k | epochs | l2 | ratio | sequence MRR | Spotlight floor | met | s/epoch (median) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.k} | ${r.epochs} | ${r.l2} | ${r.ratio} | ${formatNumber(r.mrr, 3)} | ${r.floor ?? '-'} | ${r.met === null ? '-' : r.met ? 'yes' : 'NO'} | ${formatNumber(r.secondsPerEpoch, 3)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
