// Rng.nextInt per draw, at the ranges training draws from (negatives from ~1e4 items, shuffles of 80k examples)
// and above 2^21, where it takes the general path with n split in 16-bit halves, which every range took before
// the exact 53-bit path. Both paths return the same stream. Run: npm run build && node benchmarks/rng-next-int.mjs
// (writes benchmarks/results/rng-next-int.{json,md})
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Rng } from '@bloom/core';
import { bench, do_not_optimize, run } from 'mitata';

const DRAWS = 100_000;
const ranges = {
  'n = 1682 (ML-100K items)': 1682,
  'n = 80000 (a shuffle)': 80_000,
  'n = 2^22 + 1 (general path)': 2 ** 22 + 1,
};
for (const [name, n] of Object.entries(ranges)) {
  const rng = new Rng(1);
  bench(name, () => {
    let s = 0;
    for (let i = 0; i < DRAWS; i++) s += rng.nextInt(n);
    do_not_optimize(s);
  });
}
const { benchmarks } = await run({ format: 'quiet' });
const rows = benchmarks.map((b) => ({ name: b.alias, nsPerDraw: b.runs[0].stats.p50 / DRAWS }));
const general = rows.at(-1).nsPerDraw;
const lines = [
  '# Rng.nextInt per draw',
  '',
  `Command: \`npm run build && node benchmarks/rng-next-int.mjs\` (${new Date().toISOString()}); ${cpus()[0]?.model.trim()}, Node ${process.version}; mitata medians of ${DRAWS} draws.`,
  '',
  '| range | ns per draw (median) | general path / this |',
  '| --- | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.nsPerDraw.toFixed(1)} | ${(general / r.nsPerDraw).toFixed(2)}x |`),
];
writeFileSync(new URL('results/rng-next-int.md', import.meta.url), `${lines.join('\n')}\n`);
writeFileSync(new URL('results/rng-next-int.json', import.meta.url), `${JSON.stringify(rows, null, 2)}\n`);
console.log(lines.join('\n'));
