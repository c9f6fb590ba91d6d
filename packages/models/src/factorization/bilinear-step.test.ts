import { type OptimizerConfig, Rng } from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import { describe, expect, it } from 'vitest';
import { BilinearNet } from './bilinear-net.js';
import { BilinearStep } from './bilinear-step.js';
import { resolveFactorizationConfig } from './factorization-config.js';

const typescript = new TypedArrayAdapter('typescript', 'cpu', { device: 'test', details: {} });

function maxError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

// The SIMD scores and gradients (wasm/row-kernels.wat) against the TypeScript loops, on identical nets: widths
// with and without a SIMD tail, no negatives (explicit models), one (BPR) and several (adaptive hinge).
describe('BilinearStep', () => {
  for (const dim of [1, 6, 32])
    for (const n of [0, 1, 3])
      it(`the WebAssembly kernels give the TypeScript loops' scores and updates (d ${dim}, ${n} negatives)`, async () => {
        const optimizer: OptimizerConfig = { kind: 'adam', lr: 0.05 };
        const config = resolveFactorizationConfig({
          numUsers: 30,
          numItems: 50,
          dim,
          optimizer,
          items: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } },
          seed: 3,
        });
        const steps = [true, false].map(
          (kernels) => new BilinearStep(new BilinearNet(config, typescript), n, kernels),
        );
        expect(steps.map((s) => s.usesKernels)).toEqual([true, false]);
        const rng = new Rng(4);
        for (const b of [7, 64, 7]) {
          const users = Int32Array.from({ length: b }, () => rng.nextInt(30));
          const items = Int32Array.from({ length: b * (1 + n) }, () => rng.nextInt(50));
          const grads = Float32Array.from({ length: b * (1 + n) }, () => rng.next() - 0.5);
          for (const step of steps) {
            step.resize(b);
            step.users.set(users);
            step.items.set(items);
            step.forward();
          }
          const [wasm, plain] = steps as [BilinearStep, BilinearStep];
          expect(maxError(wasm.pos, plain.pos)).toBeLessThan(1e-5);
          expect(maxError(wasm.neg, plain.neg)).toBeLessThan(1e-5);
          for (const step of steps) {
            step.dPos.set(grads.subarray(0, b));
            step.dNeg.set(grads.subarray(b));
            step.backward();
          }
          for (const [name, table] of Object.entries(wasm.net.embeddings()))
            expect(
              maxError(await table.table.read(), await plain.net.embeddings()[name]!.table.read()),
              name,
            ).toBeLessThan(1e-5);
        }
      });
});
