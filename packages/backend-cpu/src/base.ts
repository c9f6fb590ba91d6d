import { cpus } from 'node:os';
import type { BackendDefinition } from '@bloom/core';
import { BackendUnavailableError } from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';

/** Registered name of the cpu backend. */
export const CPU = 'cpu';

/** Registry entry of the cpu backend: always available, lowest priority. */
export const cpuBackend: BackendDefinition = {
  name: CPU,
  priority: 10,
  async availability() {
    return { available: true };
  },
  async create() {
    // PROD silences tfjs's advice to install tfjs-node, which is not an option here (see DESIGN.md).
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('cpu')) || tf.getBackend() !== 'cpu') {
      throw new BackendUnavailableError(
        CPU,
        `TensorFlow.js could not activate its cpu backend (active: ${tf.getBackend()})`,
      );
    }
    // TensorFlow.js's cpu backend for the dense part, typed-array tables for the embeddings.
    const cores = cpus();
    return new TypedArrayAdapter(CPU, 'cpu', {
      device: `${cores[0]?.model.trim() ?? 'CPU'} (${cores.length} threads, tfjs uses 1)`,
      details: { tfjs: tf.version_core, tables: 'typed arrays' },
    });
  },
};
