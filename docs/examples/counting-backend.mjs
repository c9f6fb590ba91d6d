// A custom backend: the cpu adapter's typed-array tables, wrapped to count lookups and updates, registered by name
// so `bloom train --backend counting` finds it. A real backend (a GPU one) implements createTable with its own
// EmbeddingTable and must pass @bloom/conformance's suite.
// Run: bloom --plugin ./docs/examples/counting-backend.mjs train --backend counting
import { backends } from '@bloom/core';
import { createTypedArrayTable } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';

export const counts = { lookups: 0, updates: 0 };

backends.register({
  name: 'counting',
  priority: 0,
  async availability() {
    return { available: true };
  },
  async create() {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu'); // the model's dense part (networks) runs on tfjs's cpu backend
    return {
      name: 'counting',
      tfBackend: 'cpu',
      createTable(options, init) {
        const table = createTypedArrayTable(options, init);
        return new Proxy(table, {
          get(target, key) {
            const value = Reflect.get(target, key, target);
            if (key === 'lookup' || key === 'applyGradients') {
              return (...args) => {
                counts[key === 'lookup' ? 'lookups' : 'updates']++;
                return value.apply(target, args);
              };
            }
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
      deviceInfo() {
        return { backend: 'counting', device: 'CPU (counting)', details: { ...counts } };
      },
      async dispose() {},
    };
  },
});
