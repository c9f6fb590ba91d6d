import { readFile } from 'node:fs/promises';
import { ConfigError, DataError } from '@bloom/core';
import type { IdVocabulary } from '@bloom/data';

/**
 * The item ids a saved model ranks, from a file of raw item ids (one per line, as the data has them): each mapped
 * through the data's vocabulary, or read as an integer id below `numItems` when the data had integer ids. With
 * `newItems` (a vocabulary-free item table), an id not in training is kept too: it gets id `numItems + j` and is
 * `newItems[j]`, in the order of the file.
 * @throws DataError naming the file and line of an id the model has no row for, or of an empty file.
 */
export async function readCatalog(
  path: string,
  items: IdVocabulary | undefined,
  numItems: number,
  options: { newItems?: boolean } = {},
): Promise<{ ids: Int32Array; newItems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DataError('cannot read the catalog file', path);
  }
  const ids = new Set<number>();
  const newItems = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const raw = line.trim();
    if (raw === '') return;
    let id = items === undefined ? (/^\d+$/.test(raw) ? Number(raw) : Number.NaN) : items.idOf(raw);
    if (id === undefined && items !== undefined && options.newItems) {
      id = newItems.get(raw) ?? numItems + newItems.size;
      newItems.set(raw, id);
      ids.add(id);
      return;
    }
    if (id === undefined || !Number.isSafeInteger(id) || id < 1 || id >= numItems) {
      throw new DataError(
        `item ${JSON.stringify(raw)} is not one the model has a row for (${items === undefined ? `an integer id in [1, ${numItems - 1}]` : 'an item of the training data'})`,
        path,
        index + 1,
      );
    }
    ids.add(id);
  });
  if (ids.size === 0) throw new ConfigError('--catalog', 'a file listing at least one item id', path);
  return { ids: Int32Array.from(ids).sort(), newItems: [...newItems.keys()] };
}
