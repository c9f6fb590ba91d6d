import { cpus } from 'node:os';
import type { BackendDefinition } from '@bloom/core';
import { BackendUnavailableError } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { rowKernelsAvailable } from './kernels/kernel-memory.js';
import { WasmAdapter } from './wasm-adapter.js';

/** Registered name of the wasm backend. */
export const WASM = 'wasm';

/** Registry entry of the wasm backend: available wherever WebAssembly is; preferred over cpu. */
export const wasmBackend: BackendDefinition = {
  name: WASM,
  priority: 20,
  async availability() {
    return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object'
      ? { available: true }
      : { available: false, reason: 'this runtime has no WebAssembly' };
  },
  async create() {
    tf.env().set('PROD', true);
    let activated = false;
    try {
      // Registers TensorFlow.js's 'wasm' backend on first use (in Node its .wasm binaries load from the package).
      await import('@tensorflow/tfjs-backend-wasm');
      activated = await tf.setBackend('wasm');
    } catch (cause) {
      throw new BackendUnavailableError(
        WASM,
        `TensorFlow.js's wasm backend failed to start: ${String(cause)}`,
      );
    }
    if (!activated || tf.getBackend() !== 'wasm') {
      throw new BackendUnavailableError(
        WASM,
        `TensorFlow.js could not activate its wasm backend (active: ${tf.getBackend()})`,
      );
    }
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    // TensorFlow.js's WebAssembly backend for the dense part, typed-array tables for the embeddings.
    const cores = cpus();
    // Tables in WebAssembly memory with SIMD row kernels, where the runtime has WebAssembly SIMD.
    const tableKernels = rowKernelsAvailable() ? 'WebAssembly SIMD' : 'typed arrays';
    return new WasmAdapter(WASM, 'wasm', {
      device: `${cores[0]?.model.trim() ?? 'CPU'} (WebAssembly${simd ? ' SIMD' : ''}, ${threads ? 'threads' : '1 thread'})`,
      details: { tfjs: tf.version_core, simd, threads, tables: tableKernels },
    });
  },
};
