// How close the sequence trainer's GEMM runs to this machine's WebAssembly SIMD limit (issue 17). The peak is
// measured, not assumed: a loop of independent f32x4 multiply-add pairs (eight accumulators, the most V8 keeps in
// registers beside its operands; Node 20's wasm has no fused multiply-add), assembled here from text. The GEMM is
// @bloom/backend-wasm's own kernel (assembly/gemm.ts) on the shapes the LSTM runs at d 32 and d 128 (batch 256,
// 10 steps: the input products over 9 steps, one recurrent step, the weight gradients, the input gradients).
// Each figure is the best of ROUNDS timed rounds (default 5) of about 0.3 s; the machine is shared.
// Writes benchmarks/results/gemm-peak.{json,md}. Run after `npm run build`: node benchmarks/gemm-peak.mjs
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { KernelMemory } from '@bloom/backend-wasm';
import wabtFactory from 'wabt';

const root = resolve(import.meta.dirname, '..');
const rounds = Number(process.env.ROUNDS ?? 5);

function best(flops, run) {
  run();
  let reps = 1;
  for (let t = performance.now(); performance.now() - t < 50; reps++) run();
  let top = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < reps * 6; i++) run();
    top = Math.max(top, (flops * reps * 6) / ((performance.now() - start) / 1000) / 1e9);
  }
  return top;
}

// The peak: 8 independent accumulators, each step acc += x * y (one f32x4.mul and one f32x4.add).
const wabt = await wabtFactory();
const accs = [...Array(8).keys()];
const wat = `(module (func (export "peak") (param $n i32) (result f32)
  (local $x v128) (local $y v128) ${accs.map((i) => `(local $a${i} v128)`).join(' ')}
  (local.set $x (f32x4.splat (f32.const 1.0000001))) (local.set $y (f32x4.splat (f32.const 0.9999999)))
  (loop $l
    ${accs.map((i) => `(local.set $a${i} (f32x4.add (local.get $a${i}) (f32x4.mul (local.get $x) (local.get $y))))`).join('\n    ')}
    (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
  (f32x4.extract_lane 0 ${accs.slice(1).reduce((sum, i) => `(f32x4.add ${sum} (local.get $a${i}))`, '(local.get $a0)')})))`;
const { instance } = await WebAssembly.instantiate(
  wabt.parseWat('peak.wat', wat, { simd: true }).toBinary({}).buffer,
);
const STEPS = 1e6;
const peak = best(STEPS * 8 * 8, () => instance.exports.peak(STEPS));

// flags as the LSTM passes them: 2 reads A stored transposed, 4 reads B stored transposed (no copies).
const shapes = (d, b = 256, L = 10) => [
  { what: `d ${d}: inputs of 9 steps x kernel`, m: (L - 1) * b, n: 4 * d, k: d, flags: 0 },
  { what: `d ${d}: one step's state x recurrent`, m: b, n: 4 * d, k: d, flags: 0 },
  { what: `d ${d}: weight gradient (inputs' x gates)`, m: d, n: 4 * d, k: (L - 1) * b, flags: 2 },
  { what: `d ${d}: input gradient (gates x kernel')`, m: (L - 1) * b, n: d, k: 4 * d, flags: 4 },
];
const memory = KernelMemory.create(0);
const kernels = memory.sequenceKernels;
const results = [];
for (const shape of [...shapes(32), ...shapes(128)]) {
  const { m, n, k, flags } = shape;
  const a = 1024;
  const b = a + m * k * 4 + 64;
  const c = b + k * n * 4 + 64;
  const pack = c + m * n * 4 + 64;
  memory.reserve(pack + (k * (n + 8) + 4 * k + 32) * 4 + 64);
  const fill = memory.f32(a, (pack - a) / 4);
  for (let i = 0; i < fill.length; i++) fill[i] = ((i * 7919) % 13) / 13 - 0.5;
  const lda = flags & 2 ? m : k;
  const ldb = flags & 4 ? k : n;
  const gflops = best(2 * m * n * k, () => kernels.gemm(a, b, c, m, n, k, lda, ldb, n, flags, pack));
  results.push({ ...shape, gflops, ofPeak: gflops / peak });
}

const meta = {
  command: 'node benchmarks/gemm-peak.mjs',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  node: process.version,
  rounds,
  peakGflops: peak,
};
writeFileSync(
  join(root, 'benchmarks/results/gemm-peak.json'),
  `${JSON.stringify({ meta, results }, null, 2)}\n`,
);
const lines = [
  '# The sequence trainer GEMM against the WebAssembly SIMD peak',
  '',
  `\`${meta.command}\` on ${meta.date.slice(0, 10)}: ${meta.cpu}, Node ${meta.node}, one thread, best of ${rounds} rounds.`,
  '',
  `Measured peak (independent f32x4 mul + add pairs, 8 accumulators): **${peak.toFixed(1)} GFLOP/s**.`,
  '',
  '| product | m x n x k | GFLOP/s | of peak |',
  '| --- | --- | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.what} | ${r.m} x ${r.n} x ${r.k} | ${r.gflops.toFixed(1)} | ${(100 * r.ofPeak).toFixed(0)}% |`,
  ),
  '',
];
writeFileSync(join(root, 'benchmarks/results/gemm-peak.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
