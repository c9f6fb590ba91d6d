import { cpus } from 'node:os';
import { type BackendDefinition, BackendUnavailableError } from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';

/** Registered name of the backend (and of the TensorFlow.js backend the bindings register). */
export const TENSORFLOW = 'tensorflow';

/** The native bindings, in order of preference: CUDA first. */
export const BINDINGS = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const HOW_TO_INSTALL =
  'install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu for CUDA 11 / libtensorflow 2.9) beside @bloom/backend-tensorflow; ' +
  'their install script downloads libtensorflow from storage.googleapis.com, so it fails on machines without that access';

type Loaded = { readonly binding: (typeof BINDINGS)[number] } | { readonly reason: string };
let loaded: Promise<Loaded> | undefined;

// Imports the first binding that loads. Importing registers TensorFlow.js's 'tensorflow' backend (without
// activating it); a binding whose native library is missing or broken throws here, and its message is kept.
function loadBinding(): Promise<Loaded> {
  loaded ??= (async () => {
    const failures: string[] = [];
    for (const binding of BINDINGS) {
      try {
        await import(binding);
      } catch (error) {
        failures.push(
          `${binding} ${isMissing(error) ? 'is not installed' : `failed to load (${String(error)})`}`,
        );
        continue;
      }
      if (tf.findBackendFactory(TENSORFLOW) === null) {
        // The binding registered its backend with another copy of @tensorflow/tfjs than this package's.
        failures.push(
          `${binding} loaded but registered no '${TENSORFLOW}' backend with this @tensorflow/tfjs (${tf.version.tfjs}): its @tensorflow/tfjs version must match`,
        );
        continue;
      }
      return { binding };
    }
    return { reason: `${failures.join('; ')}: ${HOW_TO_INSTALL}` };
  })();
  return loaded;
}

/**
 * Registry entry of the `tensorflow` backend: TensorFlow.js's native bindings run the models' dense part (on the
 * GPU with tfjs-node-gpu), while embedding tables stay typed arrays in this process, updated sparsely. Preferred
 * over cpu and wasm when a binding loads; unavailable, with the reason, when none does.
 */
export const tensorflowBackend: BackendDefinition = {
  name: TENSORFLOW,
  priority: 30,
  async availability() {
    const result = await loadBinding();
    return 'binding' in result ? { available: true } : { available: false, reason: result.reason };
  },
  async create() {
    const result = await loadBinding();
    if (!('binding' in result)) throw new BackendUnavailableError(TENSORFLOW, result.reason);
    tf.env().set('PROD', true);
    if (!(await tf.setBackend(TENSORFLOW)) || tf.getBackend() !== TENSORFLOW) {
      throw new BackendUnavailableError(
        TENSORFLOW,
        `TensorFlow.js could not activate the '${TENSORFLOW}' backend of ${result.binding} (active: ${tf.getBackend()})`,
      );
    }
    const gpu = result.binding === '@tensorflow/tfjs-node-gpu';
    const cores = cpus();
    return new TypedArrayAdapter(TENSORFLOW, TENSORFLOW, {
      device: gpu
        ? 'libtensorflow with CUDA (tfjs-node-gpu); tables on the host'
        : `${cores[0]?.model.trim() ?? 'CPU'} (libtensorflow, ${cores.length} threads)`,
      details: { binding: result.binding, tfjs: tf.version.tfjs, tables: 'typed arrays' },
    });
  },
};

// Node says ERR_MODULE_NOT_FOUND; bundlers and test runners word it their own way.
function isMissing(error: unknown): boolean {
  return (
    (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Could not resolve/.test(String(error))
  );
}
