// A custom embedding strategy: the hashing trick (one hashed row per id, no k-way combination), registered by
// name so `bloom train --embedding hashing-trick` and every model can use it.
// Run: bloom --plugin ./docs/examples/hashing-trick-strategy.mjs train --embedding hashing-trick --compression 0.3
import { ConfigError, embeddingStrategies, IdRangeError } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';

embeddingStrategies.register({
  name: 'hashing-trick',
  description: 'one murmur3-hashed row per id (Weinberger et al.): bloom with k = 1',
  create({ numEmbeddings, dim, compressionRatio = 0.2, hasher = 'murmur3' }) {
    const rows = Math.floor(compressionRatio * numEmbeddings);
    if (rows < 1)
      throw new ConfigError('compressionRatio', 'a ratio giving at least one row', compressionRatio);
    const family = createHashFamily({ hasher, numHashes: 1, buckets: rows, paddingIdx: null });
    return {
      name: 'hashing-trick',
      numEmbeddings,
      dim,
      tableRows: rows,
      rowsPerId: 1,
      combine: 'sum',
      paddingRow: null,
      formulation: 'gather',
      rowsFor(ids, out = new Int32Array(ids.length)) {
        // Strategies validate ids themselves: no backend may ever see an id outside [0, N).
        for (let i = 0; i < ids.length; i++)
          if (ids[i] < 0 || ids[i] >= numEmbeddings)
            throw new IdRangeError(ids[i], i, `an id in [0, ${numEmbeddings - 1}]`);
        return family.indices(ids, out);
      },
    };
  },
});
