// The factorization setting the Spotlight comparisons share (spotlight-baseline.mjs, factorization-threads.mjs):
// BPR's model and table shape as flags that both `bloom train` and spotlight_torch_epoch.py take.

/** `--embedding E --compression 0.2 --hashes 4 --dim 32 --batch-size 2048`: bloom items at ratio 0.2, k 4. */
export function spotlightShape(embedding) {
  return [
    '--embedding',
    embedding,
    '--compression',
    '0.2',
    '--hashes',
    '4',
    '--dim',
    '32',
    '--batch-size',
    '2048',
  ];
}
