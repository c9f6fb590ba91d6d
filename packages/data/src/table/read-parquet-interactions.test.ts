import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readInteractionsFile } from './read-interactions-file.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-parquet-'));

describe('readInteractionsFile on Parquet', () => {
  it('reads string and integer ids, ratings and timestamps by column name, row group by row group', async () => {
    const filename = join(dir, 'events.parquet');
    parquetWriteFile({
      filename,
      rowGroupSize: 2, // three row groups
      columnData: [
        { name: 'visitor', data: ['u-b', 'u-a', 'u-b', 'u-c', 'u-a'], type: 'STRING' },
        { name: 'sku', data: [9n, 1n, 1n, 9n, 7n], type: 'INT64' },
        { name: 'stars', data: [5, 3, 4, 1, 2], type: 'DOUBLE' },
        { name: 'at', data: [1, 2, 3, 4, 5].map((s) => new Date(s * 1000)), type: 'TIMESTAMP' },
      ],
    });
    const { interactions, users, items } = await readInteractionsFile(filename, {
      user: 'visitor',
      item: 'sku',
      rating: 'stars',
      time: 'at',
    });
    expect(users.toArray()).toEqual(['u-b', 'u-a', 'u-c']);
    expect(items.toArray()).toEqual(['9', '1', '7']);
    expect(Array.from(interactions.userIds)).toEqual([1, 2, 1, 3, 2]);
    expect(Array.from(interactions.itemIds)).toEqual([1, 2, 2, 1, 3]);
    expect(Array.from(interactions.ratings!)).toEqual([5, 3, 4, 1, 2]);
    expect(Array.from(interactions.timestamps!)).toEqual([1, 2, 3, 4, 5]);
  });

  it('names a missing column with the columns the file has, and the row group, row and column of a bad value', async () => {
    const filename = join(dir, 'bad.parquet');
    parquetWriteFile({
      filename,
      rowGroupSize: 2,
      columnData: [
        { name: 'user', data: ['a', 'b', 'c'], type: 'STRING' },
        { name: 'item', data: ['x', 'y', null], type: 'STRING' },
      ],
    });
    await expect(readInteractionsFile(filename, { user: 'user', item: 'product' })).rejects.toThrow(
      `${filename}: no column "product" (--item-col); the file's columns are "user", "item"`,
    );
    await expect(readInteractionsFile(filename, { user: 'user', item: 'item' })).rejects.toThrow(
      `${filename}: row group 1, row 2: column "item": expected an id, got null`,
    );
    const text = join(dir, 'text.parquet');
    writeFileSync(text, 'user,item\n1,2\n');
    await expect(readInteractionsFile(text, { user: 'user', item: 'item' })).rejects.toThrow(
      /text\.parquet: not a readable Parquet file/,
    );
    await expect(readInteractionsFile(join(dir, 'none.parquet'), { user: 'u', item: 'i' })).rejects.toThrow(
      /none\.parquet: cannot read the interactions file \(no such file\)/,
    );
  });
});
