import type { SequenceInteractions } from '@bloom/data';

/**
 * Spotlight's `sequence_mrr_score`: for each test sequence, the model scores every item as the next one after
 * all but the last element, and the last element's reciprocal rank counts (ties averaged, as scipy's rankdata).
 * @returns The mean over sequences, and the per-sequence values.
 */
export function sequenceMrrScore(
  model: { predict(sequence: Int32Array): Float32Array },
  test: SequenceInteractions,
): { mrr: number; perSequence: Float64Array } {
  const perSequence = new Float64Array(test.length);
  const L = test.maxLength;
  for (let s = 0; s < test.length; s++) {
    const sequence = test.sequence(s);
    perSequence[s] = reciprocalRank(model.predict(sequence.subarray(0, L - 1)), sequence[L - 1]!);
  }
  return summarise(perSequence);
}

/**
 * {@link sequenceMrrScore} for models that read scores back asynchronously (network models on WebGPU, where
 * synchronous reads fail).
 */
export async function sequenceMrrScoreAsync(
  model: { predictAsync(sequence: Int32Array): Promise<Float32Array> },
  test: SequenceInteractions,
): Promise<{ mrr: number; perSequence: Float64Array }> {
  const perSequence = new Float64Array(test.length);
  const L = test.maxLength;
  for (let s = 0; s < test.length; s++) {
    const sequence = test.sequence(s);
    perSequence[s] = reciprocalRank(await model.predictAsync(sequence.subarray(0, L - 1)), sequence[L - 1]!);
  }
  return summarise(perSequence);
}

// 1 / rank of the target among all scores, ties averaged (scipy's rankdata, as Spotlight).
function reciprocalRank(scores: Float32Array, targetItem: number): number {
  const target = scores[targetItem]!;
  let greater = 0;
  let equal = 0;
  for (const v of scores) {
    if (v > target) greater++;
    else if (v === target) equal++;
  }
  return 1 / (1 + greater + (equal - 1) / 2);
}

function summarise(perSequence: Float64Array): { mrr: number; perSequence: Float64Array } {
  let total = 0;
  for (const v of perSequence) total += v;
  return { mrr: perSequence.length === 0 ? 0 : total / perSequence.length, perSequence };
}
