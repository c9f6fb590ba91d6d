import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DataError } from '@bloom/core';
import { CsvError, parse } from 'csv-parse';
import { Interactions } from '../interactions.js';
import { unreadableFileReason } from '../unreadable-file.js';
import { GrowableColumns } from './growable-columns.js';
import { guessSeparator } from './guess-separator.js';
import { IdVocabulary } from './id-vocabulary.js';
import { readParquetInteractions } from './read-parquet-interactions.js';
import { parseTimeValue } from './time-value.js';

/** Which columns of a delimited file hold what, and how it is delimited. */
export interface InteractionsFileSpec {
  /** The user id column: its header name, or its 0-based position when the file has no header. */
  readonly user: string;
  /** The item id column, named as `user` is. */
  readonly item: string;
  /** An optional rating column (finite numbers). */
  readonly rating?: string;
  /** An optional time column: seconds or milliseconds since the epoch, or ISO 8601 dates. */
  readonly time?: string;
  /** The field separator (one character); guessed from the first line when absent. */
  readonly separator?: string;
  /** Whether the first line names the columns; default true. */
  readonly header?: boolean;
}

/** A file's interactions with contiguous ids, and the raw ids (strings as in the file) each id stands for. */
export interface InteractionsFile {
  readonly path: string;
  readonly interactions: Interactions;
  readonly users: IdVocabulary;
  readonly items: IdVocabulary;
  /** The separator used (given or guessed); empty for Parquet. */
  readonly separator: string;
}

// Enough of the file's start to hold its first line.
const HEAD_BYTES = 1 << 16;

/**
 * Reads interactions from a Parquet file (a `.parquet` name; see {@link readParquetInteractions}) or a CSV/TSV file (RFC 4180 quoting: quoted separators and line breaks, doubled quotes),
 * streaming: memory holds the id columns and the vocabularies, never the file. Ids may be any strings; each
 * distinct user and item gets a contiguous id from 1 in first-seen order (0 is padding).
 * @throws DataError naming the file and line, the column and the value for a malformed row; for a missing column,
 *   the columns the file has.
 */
export async function readInteractionsFile(
  path: string,
  spec: InteractionsFileSpec,
): Promise<InteractionsFile> {
  try {
    return await read(path, spec);
  } catch (error) {
    // The file system's error in one line: a mistyped path is no stack trace.
    const why = unreadableFileReason(error);
    if (why !== undefined) {
      throw new DataError(`cannot read the interactions file (${why})`, path);
    }
    throw error;
  }
}

async function read(path: string, spec: InteractionsFileSpec): Promise<InteractionsFile> {
  if (path.toLowerCase().endsWith('.parquet')) return readParquetInteractions(path, spec);
  const separator = spec.separator ?? (await guessFromHead(path));
  if (separator.length !== 1) {
    throw new DataError(`the separator must be one character, got ${JSON.stringify(separator)}`, path);
  }
  const header = spec.header ?? true;
  const parser = createReadStream(path).pipe(parse(csvOptions(separator, false)));
  const users = new IdVocabulary();
  const items = new IdVocabulary();
  const columns = new GrowableColumns(spec.rating !== undefined, spec.time !== undefined);
  let positions: Positions | undefined = header ? undefined : positionsOf(spec, undefined, path);
  let width = -1;
  // Records are counted, not located: csv-parse's per-record line info halves its speed, so a bad row's line is
  // found by a second pass that only runs when there is an error to report.
  let record = -1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      record++;
      if (width < 0) width = fields.length;
      else if (fields.length !== width) {
        throw new RowProblem(
          record,
          `this row has ${fields.length} fields, the file's first line ${width} (is a separator unquoted?)`,
        );
      }
      if (positions === undefined) {
        positions = positionsOf(spec, fields, path);
        continue;
      }
      const row = new Row(fields, record);
      columns.reserve();
      const at = columns.rows;
      columns.users[at] = users.add(row.id(positions.user, spec.user));
      columns.items[at] = items.add(row.id(positions.item, spec.item));
      if (columns.ratings !== undefined) columns.ratings[at] = row.rating(positions.rating!, spec.rating!);
      if (columns.timestamps !== undefined) columns.timestamps[at] = row.time(positions.time!, spec.time!);
      columns.rows++;
    }
  } catch (error) {
    if (error instanceof RowProblem) {
      throw new DataError(error.message, path, await lineOfRecord(path, separator, error.record));
    }
    throw error instanceof CsvError ? csvError(error, path) : error;
  }
  if (columns.rows === 0) throw new DataError('no interactions: the file has no data rows', path);
  const { users: userIds, items: itemIds, ratings, timestamps } = columns.take();
  const interactions = new Interactions({ userIds, itemIds, ratings, timestamps });
  return { path, interactions, users, items, separator };
}

interface Positions {
  readonly user: number;
  readonly item: number;
  readonly rating?: number;
  readonly time?: number;
}

/** Where each named column is: by header name, or by position without a header. */
function positionsOf(spec: InteractionsFileSpec, header: string[] | undefined, path: string): Positions {
  const find = (option: string, column: string | undefined): number | undefined => {
    if (column === undefined) return undefined;
    if (header === undefined) {
      if (!/^\d+$/.test(column)) {
        throw new DataError(
          `${option} must be a 0-based column position in a file without a header, got ${JSON.stringify(column)}`,
          path,
        );
      }
      return Number(column);
    }
    const at = header.indexOf(column);
    if (at < 0) {
      throw new DataError(
        `no column ${JSON.stringify(column)} (${option}); the file's columns are ${header.map((h) => JSON.stringify(h)).join(', ')}`,
        path,
        1,
      );
    }
    return at;
  };
  return {
    user: find('--user-col', spec.user)!,
    item: find('--item-col', spec.item)!,
    rating: find('--rating-col', spec.rating),
    time: find('--time-col', spec.time),
  };
}

/** A row that cannot be read: its record number (from 0, the header included) and what is wrong. */
class RowProblem extends Error {
  constructor(
    readonly record: number,
    message: string,
  ) {
    super(message);
  }
}

/** One record's fields, read for the columns; problems name the column and the value. */
class Row {
  constructor(
    readonly fields: string[],
    readonly record: number,
  ) {}

  id(at: number, column: string): string {
    const value = this.field(at, column);
    if (value === '') throw this.problem(column, value, 'an id (the field is empty)');
    return value;
  }

  rating(at: number, column: string): number {
    const value = this.field(at, column);
    const rating = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(rating)) throw this.problem(column, value, 'a finite number');
    return rating;
  }

  time(at: number, column: string): number {
    const value = this.field(at, column);
    const seconds = parseTimeValue(value);
    if (seconds === undefined) {
      throw this.problem(column, value, 'seconds or milliseconds since the epoch, or an ISO 8601 date');
    }
    return seconds;
  }

  field(at: number, column: string): string {
    const value = this.fields[at];
    if (value === undefined) {
      throw new RowProblem(
        this.record,
        `column ${JSON.stringify(column)} is field ${at + 1}, but this row has ${this.fields.length} fields`,
      );
    }
    return value;
  }

  problem(column: string, value: string, expected: string): RowProblem {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return new RowProblem(
      this.record,
      `column ${JSON.stringify(column)}: expected ${expected}, got ${JSON.stringify(shown)}`,
    );
  }
}

function csvOptions(separator: string, info: boolean) {
  // Row lengths are checked by the reader, to say which row and what the first line had.
  return { delimiter: separator, bom: true, info, skip_empty_lines: true, relax_column_count: true };
}

/** The line on which record `target` (from 0) ends: a second pass, with csv-parse's line info, up to it. */
async function lineOfRecord(path: string, separator: string, target: number): Promise<number | undefined> {
  let record = -1;
  const parser = createReadStream(path).pipe(parse(csvOptions(separator, true)));
  for await (const { info } of parser as AsyncIterable<{ info: { lines: number } }>) {
    if (++record === target) {
      parser.destroy();
      return info.lines;
    }
  }
  return undefined;
}

/** csv-parse's error (an unclosed quote, a row of another length) as a DataError at its line. */
function csvError(error: CsvError, path: string): DataError {
  const line = (error as CsvError & { lines?: number }).lines;
  const message = error.message.replace(/^Invalid [^:]*:\s*/, '').replace(/ (at|on) line \d+\.?$/, '');
  return new DataError(message, path, line);
}

async function guessFromHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  let head: string;
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = new TextDecoder().decode(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  const separator = guessSeparator(head.split(/\r?\n/, 1)[0] ?? '');
  if (separator === undefined) {
    throw new DataError(
      'cannot tell the separator from the first line (no comma, tab, semicolon or pipe): pass --separator',
      path,
      1,
    );
  }
  return separator;
}
