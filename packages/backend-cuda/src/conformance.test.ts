import { describeBackendConformance } from '@bloom/conformance';
import { describe, expect, it } from 'vitest';
import { loadCudaAddon } from './addon.js';
import { CudaTable, createCudaHostEmulation, cudaBackend, probeCuda } from './index.js';

const built = 'addon' in loadCudaAddon();
const probe = probeCuda();

// The CUDA tables' code with the kernels' element functions run on the host: held to the shared suite on every
// machine where the addon builds (CI's included), GPU or not.
describe.skipIf(!built)('cuda tables, kernels emulated on the host', () => {
  it('serves sparse gather tables as CudaTables', async () => {
    const adapter = await createCudaHostEmulation();
    const table = adapter.createTable({ rows: 10, dim: 3, optimizer: { kind: 'adam', lr: 0.1 } });
    expect(table).toBeInstanceOf(CudaTable);
    expect(
      adapter.createTable({ rows: 10, dim: 3, optimizer: { kind: 'rowwise-adagrad', lr: 0.1 } }),
    ).not.toBeInstanceOf(CudaTable);
    expect(adapter.lastHostReason).toMatch(/rowwise-adagrad has no CUDA kernel yet/);
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
describe.skipIf(!('devices' in probe))(
  `cuda tables on the device${'reason' in probe ? ` (skipped: ${probe.reason})` : ''}`,
  () => {
    describeBackendConformance({ name: 'cuda', create: () => cudaBackend.create() });
  },
);
