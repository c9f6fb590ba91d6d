import { describeBackendConformance } from '@bloom/conformance';
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { expect, it, vi } from 'vitest';
import { tensorflowBackend } from './base.js';

// The bindings cannot be installed here, so this file simulates @tensorflow/tfjs-node: a module that, like the
// real one, registers a TensorFlow.js backend named 'tensorflow' when imported (here backed by tfjs's cpu
// kernels). What runs for real is everything of ours: binding selection, activation and its assertion, the
// device report, and the tables under the shared conformance suite.
vi.mock('@tensorflow/tfjs-node-gpu', () => {
  throw Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});
vi.mock('@tensorflow/tfjs-node', async () => {
  const tfjs = await import('@tensorflow/tfjs');
  tfjs.registerBackend('tensorflow', () => new MathBackendCPU(), 1);
  // Kernels are registered per backend name: give 'tensorflow' the cpu backend's.
  for (const kernel of tfjs.getKernelsForBackend('cpu'))
    tfjs.registerKernel({ ...kernel, backendName: 'tensorflow' });
  return {};
});

it('selects tfjs-node when tfjs-node-gpu is absent, activates its backend and says so', async () => {
  const adapter = await tensorflowBackend.create();
  expect(tf.getBackend()).toBe('tensorflow');
  expect(adapter.deviceInfo()).toMatchObject({
    backend: 'tensorflow',
    details: { binding: '@tensorflow/tfjs-node' },
  });
  expect(adapter.deviceInfo().device).toMatch(/libtensorflow/);
});

describeBackendConformance({
  name: 'tensorflow (simulated binding)',
  create: () => tensorflowBackend.create(),
});
