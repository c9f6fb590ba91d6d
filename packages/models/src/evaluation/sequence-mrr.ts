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
    const scores = model.predict(sequence.subarray(0, L - 1));
    const target = scores[sequence[L - 1]!]!;
    let greater = 0;
    let equal = 0;
    for (const v of scores) {
      if (v > target) greater++;
      else if (v === target) equal++;
    }
    perSequence[s] = 1 / (1 + greater + (equal - 1) / 2);
  }
  let total = 0;
  for (const v of perSequence) total += v;
  return { mrr: test.length === 0 ? 0 : total / test.length, perSequence };
}
