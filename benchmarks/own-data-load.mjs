// Reading your own interactions at scale: a synthetic file of ROWS rows (default 1e7) with string ids (1e5 users,
// 1e6 items), a rating and a time, written as CSV and as Parquet (row groups of 1e6), each read by
// readInteractionsFile in a fresh process (so its peak RSS is the reader's own). Records rows/s and peak RSS in
// benchmarks/results/own-data-load.{json,md}.
// Run after `npm run build`: node benchmarks/own-data-load.mjs   (ROWS=1000000 for a quick run)
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '@bloom/core';
import { readInteractionsFile } from '@bloom/data';
import { fileWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';

const SPEC = { user: 'user', item: 'item', rating: 'rating', time: 'time' };

if (process.argv[2] === 'read') {
  // The child: read one file, report.
  const start = performance.now();
  const { interactions, users, items } = await readInteractionsFile(process.argv[3], SPEC);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(
    `${JSON.stringify({ rows: interactions.length, users: users.size, items: items.size, seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
  process.exit(0);
}

const root = resolve(import.meta.dirname, '..');
const ROWS = Number(process.env.ROWS ?? 10_000_000);
const CHUNK = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'bloom-own-data-'));
const rng = new Rng(3);

function chunk(n) {
  const user = [];
  const item = [];
  const rating = new Float64Array(n);
  const time = [];
  for (let i = 0; i < n; i++) {
    user.push(`user-${rng.nextInt(100_000)}`);
    item.push(`sku-${rng.nextInt(1_000_000).toString(36)}`);
    rating[i] = 1 + rng.nextInt(5);
    time.push(1_600_000_000 + rng.nextInt(100_000_000));
  }
  return { user, item, rating, time };
}

const csvPath = join(dir, 'events.csv');
const parquetPath = join(dir, 'events.parquet');
const csv = createWriteStream(csvPath);
csv.write('user,item,rating,time\n');
const writer = fileWriter(parquetPath);
let parquet;
for (let done = 0; done < ROWS; done += CHUNK) {
  const n = Math.min(CHUNK, ROWS - done);
  const c = chunk(n);
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`${c.user[i]},${c.item[i]},${c.rating[i]},${c.time[i]}`);
  if (!csv.write(`${lines.join('\n')}\n`)) await once(csv, 'drain');
  const columnData = [
    { name: 'user', data: c.user, type: 'STRING' },
    { name: 'item', data: c.item, type: 'STRING' },
    { name: 'rating', data: c.rating, type: 'DOUBLE' },
    { name: 'time', data: Int32Array.from(c.time), type: 'INT32' },
  ];
  parquet ??= new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData }) });
  await parquet.write({ columnData, rowGroupSize: CHUNK });
}
csv.end();
await once(csv, 'finish');
await parquet.finish();

const results = [];
for (const [format, path] of [
  ['CSV', csvPath],
  ['Parquet', parquetPath],
]) {
  const out = JSON.parse(
    execFileSync(process.execPath, [join(root, 'benchmarks/own-data-load.mjs'), 'read', path], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  );
  results.push({ format, bytes: statSync(path).size, ...out, rowsPerSecond: out.rows / out.seconds });
  process.stderr.write(`${format}: ${JSON.stringify(results.at(-1))}\n`);
}
rmSync(dir, { recursive: true, force: true });

const meta = {
  command: 'npm run build && node benchmarks/own-data-load.mjs',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  node: process.version,
  rows: ROWS,
};
writeFileSync(
  join(root, 'benchmarks/results/own-data-load.json'),
  `${JSON.stringify({ meta, results }, null, 2)}\n`,
);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
const lines = [
  '# Reading your own interactions: rows/s and peak RSS',
  '',
  `\`${meta.command}\` on ${meta.date.slice(0, 10)}: ${meta.cpu}, Node ${meta.node}. ${ROWS.toExponential(0)} rows of string`,
  'user ids (1e5 distinct), string item ids (1e6 distinct), a rating and a time; each file read by `readInteractionsFile`',
  'in a fresh process (the CSV through csv-parse, streamed; the Parquet through hyparquet, one row group of 1e6 rows at a',
  'time). Peak RSS is the reading process its own, columns and vocabularies included.',
  '',
  '| format | file MiB | rows | users | items | seconds | rows/s | peak RSS MiB |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.format} | ${mb(r.bytes)} | ${r.rows} | ${r.users} | ${r.items} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerSecond)} | ${mb(r.peakRssBytes)} |`,
  ),
  '',
];
writeFileSync(join(root, 'benchmarks/results/own-data-load.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
