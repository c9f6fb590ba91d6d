import { DataError } from '@bloom/core';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { Interactions } from '../interactions.js';
import { GrowableColumns } from './growable-columns.js';
import { IdVocabulary } from './id-vocabulary.js';
import type { InteractionsFile, InteractionsFileSpec } from './read-interactions-file.js';
import { parseTimeValue } from './time-value.js';

/**
 * Reads interactions from a Parquet file (via hyparquet), one row group at a time, so memory holds the id columns
 * and one row group, never the file. Columns are named as in the file's schema; ids may be strings or integers
 * (of any Parquet type), mapped to contiguous ids as {@link readInteractionsFile} does; times may be timestamps,
 * seconds or milliseconds, or ISO strings.
 * @throws DataError naming the file, the row group and row, the column and the value; for a missing column, the
 *   columns the file has.
 */
export async function readParquetInteractions(
  path: string,
  spec: InteractionsFileSpec,
): Promise<InteractionsFile> {
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new DataError(`not a readable Parquet file (${(error as Error).message})`, path);
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  const wanted: [option: string, column: string | undefined][] = [
    ['--user-col', spec.user],
    ['--item-col', spec.item],
    ['--rating-col', spec.rating],
    ['--time-col', spec.time],
  ];
  for (const [option, column] of wanted) {
    if (column !== undefined && !names.includes(column)) {
      throw new DataError(
        `no column ${JSON.stringify(column)} (${option}); the file's columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`,
        path,
      );
    }
  }
  const columns = [spec.user, spec.item, spec.rating, spec.time].filter((c): c is string => c !== undefined);
  const users = new IdVocabulary();
  const items = new IdVocabulary();
  const out = new GrowableColumns(spec.rating !== undefined, spec.time !== undefined);
  let rowStart = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(rowGroup.num_rows);
    let rows: unknown[][] = [];
    await parquetRead({
      file,
      metadata,
      columns,
      rowStart,
      rowEnd,
      onComplete: (read: unknown[][]) => {
        rows = read;
      },
    });
    const where = (row: number, column: string, value: unknown, expected: string) =>
      new DataError(
        `row group ${group}, row ${rowStart + row}: column ${JSON.stringify(column)}: expected ${expected}, got ${describe(value)}`,
        path,
      );
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      out.reserve();
      const at = out.rows;
      out.users[at] = users.add(idOf(row[0], () => where(r, spec.user, row[0], 'an id')));
      out.items[at] = items.add(idOf(row[1], () => where(r, spec.item, row[1], 'an id')));
      let next = 2;
      if (out.ratings !== undefined) {
        const value = row[next++];
        const rating = typeof value === 'number' || typeof value === 'bigint' ? Number(value) : Number.NaN;
        if (!Number.isFinite(rating)) throw where(r, spec.rating!, value, 'a finite number');
        out.ratings[at] = rating;
      }
      if (out.timestamps !== undefined) {
        const value = row[next];
        const seconds = timeOf(value);
        if (seconds === undefined)
          throw where(r, spec.time!, value, 'a timestamp, seconds, milliseconds or an ISO date');
        out.timestamps[at] = seconds;
      }
      out.rows++;
    }
    rowStart = rowEnd;
  }
  if (out.rows === 0) throw new DataError('no interactions: the file has no rows', path);
  const { users: userIds, items: itemIds, ratings, timestamps } = out.take();
  const interactions = new Interactions({ userIds, itemIds, ratings, timestamps });
  return { path, interactions, users, items, separator: '' };
}

function idOf(value: unknown, error: () => DataError): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  throw error();
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime() / 1000;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    return parseTimeValue(String(value));
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
