import { describeBackendConformance, describeRequiring } from '@bloom/conformance';
import { DeviceError, Rng } from '@bloom/core';
import { MultiHotMatmulTable } from '@bloom/embeddings';
import { expect, it } from 'vitest';
import { loadCudaAddon } from './addon.js';
import { CudaTable, createCudaHostEmulation, cudaBackend, probeCuda } from './index.js';

const found = loadCudaAddon();
// Where nvcc exists, CI sets BLOOM_REQUIRE_CUDA_BUILD=1, so a compile break fails instead of skipping these suites.
const notBuilt = 'reason' in found ? found.reason : undefined;

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
const probe = probeCuda();

// The CUDA tables' code with the kernels' element functions run on the host: held to the shared suite on every
// machine where the addon builds (CI's included), GPU or not.
describeRequiring('cuda tables, kernels emulated on the host', notBuilt, 'BLOOM_REQUIRE_CUDA_BUILD', () => {
  it('serves sparse gather tables as CudaTables', async () => {
    const adapter = await createCudaHostEmulation();
    const table = adapter.createTable({ rows: 10, dim: 3, optimizer: { kind: 'adam', lr: 0.1 } });
    expect(table).toBeInstanceOf(CudaTable);
    expect(
      adapter.createTable({ rows: 10, dim: 3, optimizer: { kind: 'rowwise-adagrad', lr: 0.1 } }),
    ).not.toBeInstanceOf(CudaTable);
    expect(adapter.lastHostReason).toMatch(/rowwise-adagrad has no CUDA kernel yet/);
  });
  it("runs the paper's multi-hot product as tiled matrix kernels, equal to the TypeScript product", async () => {
    const adapter = await createCudaHostEmulation();
    const rng = new Rng(9);
    const [rows, dim, k, batch] = [37, 19, 3, 21];
    const init = Float32Array.from({ length: rows * dim }, () => rng.next() - 0.5);
    for (const optimizer of [
      { kind: 'adam', lr: 0.05, weightDecay: 0.01 },
      { kind: 'adagrad', lr: 0.1 },
      { kind: 'sgd', lr: 0.2 },
    ] as const) {
      const options = { rows, dim, optimizer, formulation: 'multi-hot-matmul', frozenRow: 0 } as const;
      const table = adapter.createTable(options, init);
      expect(table).toBeInstanceOf(CudaTable);
      const reference = new MultiHotMatmulTable(options, init);
      for (let step = 0; step < 4; step++) {
        // Duplicate rows within an id (counts of 2) and across ids, and the frozen row.
        const ids = Int32Array.from({ length: batch * k }, () => rng.nextInt(rows));
        ids.set([5, 5, 0]);
        const grads = Float32Array.from({ length: batch * dim }, () => rng.next() - 0.5);
        expect(maxDifference(table.lookup(ids, k, 'sum'), reference.lookup(ids, k, 'sum'))).toBeLessThan(
          1e-5,
        );
        table.applyGradients(ids, k, 'sum', grads);
        reference.applyGradients(ids, k, 'sum', grads);
      }
      expect(maxDifference(await table.read(), await reference.read()), optimizer.kind).toBeLessThan(1e-5);
      expect(() => table.lookup(Int32Array.of(1), 1, 'mean')).toThrow(/'sum' for the multi-hot product/);
    }
  });
  it('turns an allocation that cannot be met into DeviceError, and the process lives on', async () => {
    const adapter = await createCudaHostEmulation();
    // 2^31 - 1 rows of 65536 floats: 512 TiB, more than any machine has.
    expect(() =>
      adapter.createTable({ rows: 2 ** 31 - 1, dim: 1 << 16, optimizer: { kind: 'sgd', lr: 0.1 } }),
    ).toThrow(DeviceError);
    expect(() =>
      adapter.createTable({ rows: 2 ** 31 - 1, dim: 1 << 16, optimizer: { kind: 'sgd', lr: 0.1 } }),
    ).toThrow(/failed on its device: out of host memory/);
    expect(
      adapter
        .createTable({ rows: 2, dim: 2, optimizer: { kind: 'sgd', lr: 0.1 } })
        .lookup(Int32Array.of(1), 1, 'sum'),
    ).toEqual(new Float32Array(2));
  });
  it('frees a disposed table at once, and refuses it afterwards', async () => {
    const adapter = await createCudaHostEmulation();
    const table = adapter.createTable({ rows: 4, dim: 2, optimizer: { kind: 'adam', lr: 0.1 } });
    table.applyGradients(Int32Array.of(1), 1, 'sum', Float32Array.of(1, 1)); // moves to a table with state
    table.dispose();
    expect(table.memory().weightBytes).toBe(0);
    expect(() => table.lookup(Int32Array.of(0), 1, 'sum')).toThrow(/disposed/);
    table.dispose(); // twice is harmless
  });

  describeBackendConformance({ name: 'cuda (host emulation)', create: createCudaHostEmulation });
});

// On a GPU (the GPU machine's check), the same suite on device tables; here it skips with the runtime's reason.
describeRequiring(
  'cuda tables on the device',
  'reason' in probe ? probe.reason : undefined,
  'BLOOM_REQUIRE_GPU',
  () => {
    describeBackendConformance({ name: 'cuda', create: () => cudaBackend.create() });
  },
);
