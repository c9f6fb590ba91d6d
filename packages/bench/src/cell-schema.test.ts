import { describe, expect, it } from 'vitest';
import { expandMatrix } from './cell.js';
import { parseCell } from './cell-schema.js';
import { parseMatrix } from './matrix.js';

describe('cellSchema', () => {
  it('accepts every cell of a matrix that validates, even at the edges of its ranges', () => {
    const matrix = parseMatrix({
      name: 'edges',
      epochs: 1000,
      batchSize: 1 << 24,
      lr: 1e6,
      l2: 0,
      repeats: 2,
      axes: {
        model: ['factorization', 'lstm'],
        strategy: ['dense', 'bloom', 'quotient-remainder'],
        backend: ['wasm', 'cpu'],
        dim: [1, 65536],
        numEmbeddings: [null, 2 ** 31 - 1],
        compression: [1e-9, 1e6],
        hashes: [1, 24],
        output: ['tied', 'bloom', 'softmax'],
        seed: [0, 2 ** 32 - 1],
      },
    });
    const cells = expandMatrix(matrix);
    expect(cells.length).toBeGreaterThan(100);
    for (const cell of cells) expect(parseCell(cell)).toEqual(cell);
  });

  it('refuses what a matrix cannot produce, naming the field', () => {
    const [cell] = expandMatrix(parseMatrix({ name: 'm', axes: { strategy: ['dense'] } }));
    expect(() => parseCell({ ...cell, dataset: '../../etc/passwd' }, 'job 7')).toThrow(
      /Invalid job 7: dataset: expected a name of letters, digits/,
    );
    expect(() => parseCell({ ...cell, loss: '-rf' })).toThrow(/cell: loss/);
    expect(() => parseCell({ ...cell, dim: 0 })).toThrow(/cell: dim/);
    expect(() => parseCell({ ...cell, extra: 1 })).toThrow(/Unrecognized key.*extra/);
    expect(() => parseCell(null)).toThrow(/cell: \(top level\)/);
  });
});
