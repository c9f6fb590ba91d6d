// Issue 16's speed check: the factorization epoch before and after a change to the training paths, in one run.
// `--before DIR` is a built checkout of the earlier commit (git worktree add DIR COMMIT; npm ci; npm run build)
// and this tree is the after; each round runs benchmarks/factorization-epoch-cell.mjs once in each tree, the
// order alternating from round to round, so the machine's swings fall on both alike. Medians over every epoch.
// Writes benchmarks/results/training-path-before-after.{json,md}.
// Run after `npm run build`: node benchmarks/training-path-before-after.mjs --before DIR [--rounds 4] [--epochs 3]
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '@bloom/bench';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    rounds: { type: 'string', default: '4' },
    epochs: { type: 'string', default: '3' },
    label: { type: 'string', default: '' },
  },
});
if (values.before === undefined)
  throw new Error('--before DIR (a built checkout of the earlier commit) is required');
const trees = { before: resolve(values.before), after: root };
const cell = 'benchmarks/factorization-epoch-cell.mjs';
// The earlier checkout may predate the cell script: the same script runs in both.
if (trees.before !== root) copyFileSync(join(root, cell), join(trees.before, cell));
const env = { ...process.env, BLOOM_DATA_DIR: resolve(root, '../shared/data') };
const seconds = { before: {}, after: {} };
const paths = {};
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
  for (const tree of order) {
    const out = execFileSync('node', [join(trees[tree], cell), values.epochs], { env, encoding: 'utf8' });
    const { trainingPath, ...cells } = JSON.parse(out.trim().split('\n').at(-1));
    paths[tree] = trainingPath ?? null;
    for (const [name, xs] of Object.entries(cells)) {
      seconds[tree][name] ??= [];
      seconds[tree][name].push(...xs);
    }
    process.stderr.write(`round ${round + 1} ${tree}: ${JSON.stringify(cells)}\n`);
  }
}
const names = Object.keys(seconds.after);
const rows = names.map((name) => {
  const [before, after] = [median(seconds.before[name]), median(seconds.after[name])];
  return { cell: name, before, after, ratio: after / before };
});
const commit = (tree) =>
  execFileSync('git', ['-C', tree, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const command = `node benchmarks/training-path-before-after.mjs --before ${values.before} --rounds ${values.rounds} --epochs ${values.epochs}`;
const lines = [
  `# Factorization epoch before and after ${values.label || 'the change'}`,
  '',
  `Command: \`npm run build && ${command}\` (${new Date().toISOString()}).`,
  `Before: commit ${commit(trees.before)} (built in ${values.before}); after: commit ${commit(root)} and the working tree.`,
  `Machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}; the wasm backend.`,
  'BPR on ML-100K (80k training interactions), dim 32, batch 2048, Adam lr 1e-2, the item table inflated to 1e4 and',
  `5e6 ids; bloom: ratio 0.2, k 4. ${values.rounds} rounds, each a fresh process per tree (order alternating), each`,
  `process ${values.epochs} epochs per cell after a warm-up epoch; medians over all epochs.`,
  `Training path: before ${JSON.stringify(paths.before)}, after ${JSON.stringify(paths.after)}.`,
  "Before issue 16 the same in-place wasm step ran inside @bloom/models' loop, which reported itself as the host path;",
  "after, @bloom/backend-wasm's trainer runs it (`wasm-fused`). Ratios near 1 within this machine's noise mean no",
  'regression; a fresh process per round lets load swing a cell by 10-20%.',
  '',
  '| items, rows | before s/epoch | after s/epoch | after / before |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) => `| ${r.cell} | ${r.before.toFixed(4)} | ${r.after.toFixed(4)} | ${r.ratio.toFixed(2)}x |`,
  ),
];
writeFileSync(join(root, 'benchmarks/results/training-path-before-after.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/training-path-before-after.json'),
  `${JSON.stringify({ command, rows, seconds, paths }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
