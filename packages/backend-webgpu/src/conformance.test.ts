import { describeBackendConformance, describeRequiring } from '@bloom/conformance';
import { backends } from '@bloom/core';
import { createBloomStrategy, SparseEmbedding } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { WebGpuTable, webgpuBackend } from './index.js';

// Dawn needs a GPU or Mesa's EGL (llvmpipe): a machine without either skips with Dawn's reason; CI installs EGL
// and sets BLOOM_REQUIRE_WEBGPU=1, which turns a missing adapter into a failure.
const availability = await webgpuBackend.availability();
const missing = availability.available ? undefined : availability.reason;

describeRequiring('the webgpu backend', missing, 'BLOOM_REQUIRE_WEBGPU', () => {
  // CI installs Mesa's EGL (see .ci/run), so Dawn's OpenGL ES backend runs on llvmpipe there and here: the backend
  // must be available, and when it is not, the failure says why.
  it('is registered, available here, and runs TensorFlow.js on a real WebGPU adapter', async () => {
    expect(backends.get('webgpu')).toBe(webgpuBackend);
    const availability = await webgpuBackend.availability();
    expect(availability, JSON.stringify(availability)).toEqual({ available: true });
    const adapter = await webgpuBackend.create();
    expect(tf.getBackend()).toBe('webgpu');
    const info = adapter.deviceInfo();
    expect(info.backend).toBe('webgpu');
    expect(info.device.length).toBeGreaterThan(0);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]); // data(), never dataSync(): WebGPU reads back async
  });

  describeBackendConformance({ name: 'webgpu', create: () => webgpuBackend.create() });

  // The same suite with the tables on the GPU (access 'tensor'): WGSL lookups and updates held to the same behaviour.
  it("gives the suite's tensor-access embeddings GPU-resident tables (sparse gather tables)", async () => {
    const adapter = await webgpuBackend.create();
    const strategy = createBloomStrategy({ numEmbeddings: 40, dim: 6, compressionRatio: 0.3, numHashes: 3 });
    const embedding = SparseEmbedding.create({
      strategy,
      adapter,
      optimizer: { kind: 'adam', lr: 0.1 },
      access: 'tensor',
    });
    expect(embedding.table).toBeInstanceOf(WebGpuTable);
    embedding.dispose();
  });

  describeBackendConformance({
    name: 'webgpu, GPU-resident tables',
    create: () => webgpuBackend.create(),
    access: 'tensor',
  });
});
