// Packs every workspace package and installs each tarball, with only the tarballs of the packages it depends
// on, into a scratch project that imports it from plain Node (ESM) and type-checks a TypeScript consumer.
// A missing `files` entry, export or declaration fails here, as it would for a user. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const scratch = mkdtempSync(join(tmpdir(), 'bloom-pack-check-'));
const sh = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const packages = readdirSync(join(root, 'packages')).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  return { dir, manifest };
});
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

// Each package's smoke test: an ESM import that exercises it, and a typed consumer.
const smoke = {
  '@bloom/core': {
    js: `import { createRegistry, Rng, ConfigError } from '@bloom/core';
const r = createRegistry('thing'); r.register({ name: 'a' });
if (!r.has('a') || new Rng(42).nextUint32() !== 2837322924) throw new Error('core misbehaves');
if (!(new ConfigError('x', 'y', 1) instanceof Error)) throw new Error('errors broken');`,
    ts: `import { type HasherDefinition, Rng, createRegistry } from '@bloom/core';
const registry = createRegistry<HasherDefinition>('hasher');
const n: number = new Rng(1).nextInt(10);
export { registry, n };`,
  },
  '@bloom/hashers': {
    js: `import { hashers } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
const f = createHashFamily({ hasher: 'murmur3', numHashes: 4, buckets: 200, paddingIdx: 0 });
if (f.indices(Int32Array.of(0, 1)).join() !== '0,0,0,0,1,32,82,14') throw new Error('hashers misbehave');
if (hashers.list().join() !== 'multiplicative,murmur3,xxhash32,xxhash64') throw new Error('not registered');`,
    ts: `import { createHashFamily, type HashFamilyOptions } from '@bloom/hashers';
import type { HashFamily } from '@bloom/core';
const options: HashFamilyOptions = { hasher: 'xxhash64', numHashes: 2, buckets: 10 };
const family: HashFamily = createHashFamily(options);
const out: Int32Array = family.indices(Int32Array.of(1));
export { out };`,
  },
  '@bloom/data': {
    js: `import { loadDataset, randomTrainTestSplit, datasets } from '@bloom/data';
const { interactions, source } = await loadDataset('ml-latest-small', { download: false, dataDir: '/nonexistent', cacheDir: '/nonexistent' });
if (source.kind !== 'embedded' || interactions.length !== 100836) throw new Error('embedded dataset missing');
const { test } = randomTrainTestSplit(interactions, { seed: 42 });
if (test.length !== 20168 || !datasets.has('ml-100k')) throw new Error('data misbehaves');`,
    ts: `import { Interactions, type LoadedDataset, loadDataset, toSequence } from '@bloom/data';
const data = new Interactions({ userIds: [0, 1], itemIds: [1, 2], timestamps: [0, 1] });
const seqs = toSequence(data, { maxLength: 5 });
const loaded: Promise<LoadedDataset> = loadDataset('ml-100k', { download: false });
export { seqs, loaded };`,
  },
  '@bloom/embeddings': {
    js: `import { embeddingStrategies } from '@bloom/core';
import { createTypedArrayTable } from '@bloom/embeddings';
const strategy = embeddingStrategies.get('bloom').create({ numEmbeddings: 1000, dim: 4 });
const rows = strategy.rowsFor(Int32Array.of(1));
if (rows.join() !== '1,32,82,14') throw new Error('bloom rows differ from Spotlight');
const table = createTypedArrayTable({ rows: 200, dim: 4, optimizer: { kind: 'sgd', lr: 1 } });
table.applyGradients(rows, 4, 'sum', Float32Array.of(1, 1, 1, 1));
if ((await table.read())[32 * 4] !== -1) throw new Error('sparse update misbehaves');
const hashed = embeddingStrategies.get('hash').create({ numEmbeddings: 1000, dim: 16 });
if (hashed.combine !== 'weighted' || hashed.rowsFor(Int32Array.of(5)).length !== 3) throw new Error('hash misbehaves');`,
    ts: `import { createBloomStrategy, SparseEmbedding, type BloomOptions } from '@bloom/embeddings';
import type { EmbeddingStrategy } from '@bloom/core';
const options: BloomOptions = { numEmbeddings: 100, dim: 8, compressionRatio: 0.5 };
const strategy: EmbeddingStrategy = createBloomStrategy(options);
export { strategy, SparseEmbedding };`,
  },
  '@bloom/backend-cpu': {
    js: `import { backends } from '@bloom/core';
import '@bloom/backend-cpu';
import * as tf from '@tensorflow/tfjs';
const adapter = await backends.get('cpu').create();
if (tf.getBackend() !== 'cpu' || adapter.deviceInfo().backend !== 'cpu') throw new Error('cpu adapter misbehaves');
const t = adapter.createTable({ rows: 10, dim: 2, optimizer: { kind: 'adam', lr: 0.1 } });
t.applyGradients(Int32Array.of(3), 1, 'sum', Float32Array.of(1, -1));
if (t.memory().optimizerStateBytes !== 160) throw new Error('optimizer state not counted');`,
    ts: `import { cpuBackend } from '@bloom/backend-cpu';
import type { BackendDefinition } from '@bloom/core';
const b: BackendDefinition = cpuBackend;
export { b };`,
  },
  '@bloom/backend-wasm': {
    js: `import { backends } from '@bloom/core';
import '@bloom/backend-wasm';
import * as tf from '@tensorflow/tfjs';
const adapter = await backends.get('wasm').create();
if (tf.getBackend() !== 'wasm') throw new Error('wasm backend not active');
const x = tf.tensor1d([1, 2, 3]).square().sum();
if ((await x.data())[0] !== 14) throw new Error('tfjs wasm misbehaves');`,
    ts: `import { wasmBackend } from '@bloom/backend-wasm';
import type { BackendDefinition } from '@bloom/core';
const b: BackendDefinition = wasmBackend;
export { b };`,
  },
  '@bloom/backend-tensorflow': {
    js: `import { backends } from '@bloom/core';
import '@bloom/backend-tensorflow';
const availability = await backends.get('tensorflow').availability();
if (availability.available || !/tfjs-node is not installed/.test(availability.reason)) throw new Error('tensorflow backend misreports');`,
    ts: `import { tensorflowBackend, BINDINGS } from '@bloom/backend-tensorflow';
import type { BackendDefinition } from '@bloom/core';
const b: BackendDefinition = tensorflowBackend;
const first: string = BINDINGS[0];
export { b, first };`,
  },
  '@bloom/backend-cuda': {
    // Installing builds the addon with nvcc (or records why not) and never fails; no GPU here, so unavailable.
    js: `import { backends } from '@bloom/core';
import '@bloom/backend-cuda';
const availability = await backends.get('cuda').availability();
if (availability.available || !/CUDA/.test(availability.reason)) throw new Error('cuda backend misreports: ' + availability.reason);`,
    ts: `import { cudaBackend, probeCuda } from '@bloom/backend-cuda';
import type { BackendDefinition } from '@bloom/core';
const b: BackendDefinition = cudaBackend;
export { b, probeCuda };`,
  },
  '@bloom/backend-webgpu': {
    js: `import { backends } from '@bloom/core';
import '@bloom/backend-webgpu';
const availability = await backends.get('webgpu').availability();
if (!availability.available) throw new Error('webgpu unavailable: ' + availability.reason);
const adapter = await backends.get('webgpu').create();
if (adapter.deviceInfo().backend !== 'webgpu') throw new Error('webgpu adapter misreports');
process.exit(0); // Dawn keeps the event loop alive`,
    ts: `import { webgpuBackend, provideNavigatorGpu } from '@bloom/backend-webgpu';
import type { BackendDefinition } from '@bloom/core';
const b: BackendDefinition = webgpuBackend;
export { b, provideNavigatorGpu };`,
  },
  '@bloom/conformance': {
    js: `import { referenceLookup, maxError } from '@bloom/conformance';
const out = referenceLookup(Float32Array.of(1, 2, 3, 4), Int32Array.of(0, 1), 2, 'sum', 2);
if (maxError(out, [4, 6]) !== 0) throw new Error('reference misbehaves');`,
    ts: `import { describeBackendConformance, type ConformanceOptions } from '@bloom/conformance';
const options: Partial<ConformanceOptions> = { name: 'x' };
export { describeBackendConformance, options };`,
  },
  '@bloom/models': {
    js: `import { Interactions } from '@bloom/data';
import { createTypedArrayTable } from '@bloom/embeddings';
import { ImplicitFactorizationModel, recommend } from '@bloom/models';
// Backends are separate packages; any object that creates tables will do for the fused factorization path.
const adapter = { name: 'inline', createTable: createTypedArrayTable };
const data = new Interactions({ userIds: [1, 1, 2, 2, 3], itemIds: [1, 2, 2, 3, 1] });
const model = ImplicitFactorizationModel.create({ numUsers: 4, numItems: 4, dim: 4, loss: 'bpr' }, adapter);
await model.fit(data, { epochs: 2, batchSize: 2 });
if (recommend(model.net, 1, 2, { seen: data }).items.length !== 2) throw new Error('models misbehave');`,
    ts: `import { ImplicitFactorizationModel, type FactorizationConfig, mrrScore } from '@bloom/models';
const config: FactorizationConfig = { numUsers: 10, numItems: 10 };
export { ImplicitFactorizationModel, config, mrrScore };`,
  },
  '@bloom/bench': {
    js: `import { chartSvg, expandMatrix, loadMatrix, trainArguments } from '@bloom/bench';
import { fileURLToPath } from 'node:url';
const matrix = loadMatrix(fileURLToPath(import.meta.resolve('@bloom/bench/matrices/default.json')));
const cells = expandMatrix(matrix);
if (cells.length < 4 || trainArguments(cells[0])[0] !== 'train') throw new Error('matrix misbehaves');
const svg = await chartSvg([{ x: 1, y: 2, series: 'a' }], { title: 't', xTitle: 'x', yTitle: 'y' });
if (!svg.startsWith('<svg')) throw new Error('plots misbehave');`,
    ts: `import { type Cell, type Matrix, parseMatrix, runMatrix } from '@bloom/bench';
const matrix: Matrix = parseMatrix({ name: 'm', axes: { strategy: ['dense'] } });
const cells: Cell[] = [];
export { matrix, cells, runMatrix };`,
  },
  '@bloom/matrix-queue': {
    js: `import { cellJobId, parseQueueUrl, redactQueueUrl } from '@bloom/matrix-queue';
import { expandMatrix, parseMatrix } from '@bloom/bench';
const [cell] = expandMatrix(parseMatrix({ name: 'm', axes: { strategy: ['dense'] } }));
if (!/^m-[0-9a-f]{32}$/.test(cellJobId('m', cell))) throw new Error('job ids misbehave');
if (redactQueueUrl(parseQueueUrl('redis://u:secret@host:6379')) !== 'redis://***@host:6379') throw new Error('redaction misbehaves');`,
    ts: `import { MatrixWorker, type MatrixWorkerOptions, collectCells, enqueueCells } from '@bloom/matrix-queue';
const options: Partial<MatrixWorkerOptions> = { backends: ['wasm'], concurrency: 1 };
export { MatrixWorker, options, collectCells, enqueueCells };`,
  },
  '@bloom/cli': {
    js: `import { run } from '@bloom/cli';
let out = '';
const code = await run(['hash', '--hasher=murmur3', '--hashes=4', '--buckets=200', '--ids=0,1', '--padding-idx=0', '--json'],
  { out: (t) => { out += t; }, err: () => {} });
if (code !== 0 || JSON.parse(out).indices[1].join() !== '1,32,82,14') throw new Error('cli misbehaves');`,
    ts: `import { run, type CliIo } from '@bloom/cli';
const io: CliIo = { out: () => {}, err: () => {} };
const code: Promise<number> = run(['--help'], io);
export { code };`,
  },
};

function dependencyClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(byName.get(name).manifest.dependencies ?? {})) {
    if (byName.has(dep)) dependencyClosure(dep, seen);
  }
  return seen;
}

try {
  const tarballs = new Map();
  for (const { dir, manifest } of packages) {
    const [info] = JSON.parse(
      sh('npm', ['pack', '--json', '--pack-destination', scratch], join(root, 'packages', dir)),
    );
    tarballs.set(manifest.name, join(scratch, info.filename));
    if (!info.files.some((f) => f.path === 'README.md'))
      throw new Error(`${manifest.name}: README.md is not packed`);
    if (info.files.some((f) => f.path.endsWith('.test.js')))
      throw new Error(`${manifest.name}: tests are packed`);
    if (!smoke[manifest.name]) throw new Error(`${manifest.name}: add a smoke test to tools/pack-check.mjs`);
  }
  for (const { dir, manifest } of packages) {
    const project = join(scratch, `consumer-${dir}`);
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: `consumer-${dir}`, private: true, type: 'module' }),
    );
    const needed = [...dependencyClosure(manifest.name)].map((name) => tarballs.get(name));
    sh(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...needed],
      project,
    );
    writeFileSync(join(project, 'smoke.mjs'), smoke[manifest.name].js);
    sh('node', ['smoke.mjs'], project);
    writeFileSync(join(project, 'consumer.ts'), smoke[manifest.name].ts);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          // TensorFlow.js's own declarations do not compile without skipLibCheck (tfjs-core's hash_util.d.ts
          // uses an undeclared 'Long'; tfjs-layers' LayersModel mismatches InferenceModel), so its users need it.
          skipLibCheck: dependencyClosure(manifest.name).has('@bloom/embeddings'),
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    sh('node', [tsc, '-p', 'tsconfig.json'], project);
    if (manifest.bin) {
      for (const bin of Object.keys(manifest.bin))
        sh(join(project, 'node_modules/.bin', bin), ['--help'], project);
    }
    process.stderr.write(
      `pack-check: ${manifest.name} installs alone (with ${needed.length - 1} Bloom dependencies), imports and type-checks\n`,
    );
  }
  process.stdout.write(`pack-check: all ${packages.length} packages install, import and type-check\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
