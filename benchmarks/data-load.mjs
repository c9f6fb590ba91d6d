// Load-time and peak-memory benchmark of @bloom/data, each run in a fresh process so peak RSS is its own.
// Cases: ML-100K (u.data from ../shared/data), the embedded ml-latest-small, and a synthetic 10M-row
// ratings.csv (ML-20M layout). A naive loader (readFileSync + split + Number into typed arrays) runs on the
// same files in the same session, so speed and memory are reported as ratios within one run.
// Run after `npm run build`: node benchmarks/data-load.mjs [--rows 10000000] [--repeats 5]
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '@bloom/bench';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '10000000' }, repeats: { type: 'string', default: '5' } },
});
const rows = Number(values.rows);
const repeats = Number(values.repeats);
const dataDist = join(root, 'packages/data/dist/index.js');
if (!existsSync(dataDist)) throw new Error('run `npm run build` first');

const ml100k = resolve(root, '../shared/data/ml-100k/u.data');
const synthetic = join(tmpdir(), `bloom-bench-ratings-${rows}.csv`);
if (!existsSync(synthetic)) await writeSynthetic(synthetic, rows);

// Each child prints one JSON line: seconds for the load, rows, peak RSS.
const bloomLoad = (expr) => `
const data = await import(${JSON.stringify(dataDist)});
const t0 = performance.now();
const { interactions } = await ${expr};
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, rows: interactions.length, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));`;
const naiveLoad = (file, sep, header) => `
const { readFileSync } = await import('node:fs');
const t0 = performance.now();
const lines = readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n');
const start = ${header ? 1 : 0};
const n = lines.at(-1) === '' ? lines.length - 1 - start : lines.length - start;
const users = new Int32Array(n), items = new Int32Array(n), ratings = new Float32Array(n), times = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const f = lines[i + start].split(${JSON.stringify(sep)});
  users[i] = Number(f[0]); items[i] = Number(f[1]); ratings[i] = Number(f[2]); times[i] = Number(f[3]);
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, rows: n, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));`;

const cases = [
  {
    name: 'ML-100K u.data',
    loader: 'bloom',
    code: bloomLoad(`data.loadRatingsFile(${JSON.stringify(ml100k)})`),
    repeats,
  },
  { name: 'ML-100K u.data', loader: 'naive', code: naiveLoad(ml100k, '\t', false), repeats },
  {
    name: 'ml-latest-small (embedded, brotli)',
    loader: 'bloom',
    code: bloomLoad(
      `data.loadDataset('ml-latest-small', { dataDir: '/nonexistent', cacheDir: '/nonexistent', download: false })`,
    ),
    repeats,
  },
  {
    name: `synthetic ${rows / 1e6}M-row ratings.csv`,
    loader: 'bloom',
    code: bloomLoad(`data.loadRatingsFile(${JSON.stringify(synthetic)}, { ids: 'remap' })`),
    repeats: 3,
  },
  {
    name: `synthetic ${rows / 1e6}M-row ratings.csv`,
    loader: 'naive',
    code: naiveLoad(synthetic, ',', true),
    repeats: 3,
  },
];

const results = [];
for (const c of cases) {
  const runs = [];
  for (let i = 0; i < c.repeats; i++) {
    try {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', c.code], { encoding: 'utf8' });
      runs.push(JSON.parse(out.trim().split('\n').at(-1)));
    } catch (error) {
      runs.push({ error: String(error.message).split('\n')[0] });
      break;
    }
  }
  const ok = runs.filter((r) => r.error === undefined);
  const result = {
    case: c.name,
    loader: c.loader,
    runs: runs.length,
    rows: ok[0]?.rows ?? null,
    medianSeconds: ok.length ? median(ok.map((r) => r.seconds)) : null,
    medianPeakRssBytes: ok.length ? median(ok.map((r) => r.peakRssBytes)) : null,
    error: runs.find((r) => r.error)?.error,
  };
  result.rowsPerSecond = result.medianSeconds ? Math.round(result.rows / result.medianSeconds) : null;
  results.push(result);
  process.stderr.write(`${c.loader.padEnd(5)} ${c.name}: ${JSON.stringify(result)}\n`);
}

const mib = (b) => (b === null ? 'n/a' : (b / 2 ** 20).toFixed(0));
const lines = [
  '# @bloom/data load benchmark',
  '',
  `Command: \`npm run build && node benchmarks/data-load.mjs --rows ${rows} --repeats ${repeats}\``,
  `Machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString()}`,
  `Synthetic file: ${rows} rows, ${(statSync(synthetic).size / 2 ** 20).toFixed(0)} MiB (ML-20M layout, raw ids remapped).`,
  'Each run is a fresh process; seconds cover reading, parsing and building Interactions; peak RSS is the whole process.',
  '',
  '| case | loader | runs | rows | median s | rows/s | peak RSS MiB | naive / bloom time | naive / bloom RSS |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of results) {
  const naive = results.find((x) => x.case === r.case && x.loader === 'naive');
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '');
  const isBloom = r.loader === 'bloom';
  lines.push(
    `| ${r.case} | ${r.loader} | ${r.runs} | ${r.rows ?? 'n/a'} | ${r.medianSeconds?.toFixed(3) ?? r.error} | ${r.rowsPerSecond ?? ''} | ${mib(r.medianPeakRssBytes)} | ${isBloom ? ratio(naive?.medianSeconds, r.medianSeconds) : ''} | ${isBloom ? ratio(naive?.medianPeakRssBytes, r.medianPeakRssBytes) : ''} |`,
  );
}
mkdirSync(join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(join(root, 'benchmarks/results/data-load.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/data-load.json'),
  `${JSON.stringify({ command: `node benchmarks/data-load.mjs --rows ${rows} --repeats ${repeats}`, node: process.version, cpu: cpus()[0]?.model, results }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);

async function writeSynthetic(path, n) {
  process.stderr.write(`writing ${n} synthetic rows to ${path}\n`);
  const out = createWriteStream(path);
  out.write('userId,movieId,rating,timestamp\n');
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const batch = 100000;
  for (let i = 0; i < n; i += batch) {
    let text = '';
    for (let j = i; j < Math.min(n, i + batch); j++) {
      text += `${1 + (next() % 138493)},${1 + (next() % 131262)},${(1 + (next() % 10)) / 2},${1e9 + (next() % 4e8)}\n`;
    }
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}
