import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { readInteractionsFile } from './read-interactions-file.js';
import { parseTimeValue } from './time-value.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-table-'));
let files = 0;
const file = (text: string, name = `f${files++}.csv`) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readInteractionsFile', () => {
  it('reads string ids by header name into contiguous ids in first-seen order, with their vocabularies', async () => {
    const path = file('visitor,sku,stars\nu-b,SKU 9,5\nu-a,SKU 1,3\nu-b,SKU 1,4\n');
    const { interactions, users, items, separator } = await readInteractionsFile(path, {
      user: 'visitor',
      item: 'sku',
      rating: 'stars',
    });
    expect(separator).toBe(',');
    expect(Array.from(interactions.userIds)).toEqual([1, 2, 1]);
    expect(Array.from(interactions.itemIds)).toEqual([1, 2, 2]);
    expect(Array.from(interactions.ratings!)).toEqual([5, 3, 4]);
    expect(users.toArray()).toEqual(['u-b', 'u-a']);
    expect(items.rawOf(2)).toBe('SKU 1');
    expect(items.idOf('SKU 9')).toBe(1);
    expect(items.idOf('never seen')).toBeUndefined();
    expect(interactions.numItems).toBe(3); // padding row 0 and two items
  });

  it('follows RFC 4180: quoted separators and line breaks, doubled quotes, header names with spaces, a BOM', async () => {
    const path = file(
      '\uFEFF"user id";"item, name";when\n"a;1";"x ""quoted"", y";2024-01-02\n7;"multi\nline";1700000000123\n',
    );
    const { interactions, users, items, separator } = await readInteractionsFile(path, {
      user: 'user id',
      item: 'item, name',
      time: 'when',
    });
    expect(separator).toBe(';');
    expect(users.toArray()).toEqual(['a;1', '7']);
    expect(items.toArray()).toEqual(['x "quoted", y', 'multi\nline']);
    expect(Array.from(interactions.timestamps!)).toEqual([Date.UTC(2024, 0, 2) / 1000, 1700000000.123]);
  });

  it('reads a tab-separated file without a header by column position', async () => {
    const path = file('10\t20\t1\n11\t20\t0\n', 'plain.tsv');
    const { interactions, users } = await readInteractionsFile(path, { user: '1', item: '0', header: false });
    expect(users.toArray()).toEqual(['20']);
    expect(Array.from(interactions.itemIds)).toEqual([1, 2]);
  });

  it('names a missing column with the columns the file has', async () => {
    const path = file('userId,movieId\n1,2\n');
    await expect(readInteractionsFile(path, { user: 'userId', item: 'itemId' })).rejects.toThrow(
      `${path}:1: no column "itemId" (--item-col); the file's columns are "userId", "movieId"`,
    );
  });

  it('names the file, line, column and value of a bad field', async () => {
    const path = file('u,i,r\na,b,4\n"c\nd",e,4.5\nf,g,lots\n');
    const error = await readInteractionsFile(path, { user: 'u', item: 'i', rating: 'r' }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    // The third record ends on line 5 (the second spans lines 3-4).
    expect(error.message).toBe(`${path}:5: column "r": expected a finite number, got "lots"`);
    const empty = file('u,i\na,\n');
    await expect(readInteractionsFile(empty, { user: 'u', item: 'i' })).rejects.toThrow(
      `${empty}:2: column "i": expected an id (the field is empty), got ""`,
    );
    const time = file('u,i,t\na,b,yesterday\n');
    await expect(readInteractionsFile(time, { user: 'u', item: 'i', time: 't' })).rejects.toThrow(
      /:2: column "t": expected seconds or milliseconds since the epoch, or an ISO 8601 date, got "yesterday"/,
    );
  });

  it('refuses malformed CSV at its line: an unclosed quote, a row of another length', async () => {
    const quote = file('u,i\na,b\nc,"d\n');
    await expect(readInteractionsFile(quote, { user: 'u', item: 'i' })).rejects.toThrow(
      new RegExp(`^${quote}:\\d+: .*quote`, 'i'),
    );
    const short = file('u,i,r\na,b,1\nc,d\n');
    await expect(readInteractionsFile(short, { user: 'u', item: 'i', rating: 'r' })).rejects.toThrow(
      `${short}:3: this row has 2 fields, the file's first line 3 (is a separator unquoted?)`,
    );
  });

  it('refuses a file it cannot read, an unguessable separator, and a file without rows', async () => {
    await expect(readInteractionsFile(join(dir, 'missing.csv'), { user: 'u', item: 'i' })).rejects.toThrow(
      'missing.csv: cannot read the interactions file (no such file)',
    );
    await expect(readInteractionsFile(file('user item\n1 2\n'), { user: 'u', item: 'i' })).rejects.toThrow(
      /:1: cannot tell the separator .*pass --separator/,
    );
    await expect(readInteractionsFile(file('u,i\n'), { user: 'u', item: 'i' })).rejects.toThrow(
      /no interactions: the file has no data rows/,
    );
    await expect(
      readInteractionsFile(file('1,2\n'), { user: 'user', item: '1', header: false }),
    ).rejects.toThrow(/--user-col must be a 0-based column position in a file without a header, got "user"/);
  });
});

describe('parseTimeValue', () => {
  it('reads seconds, milliseconds (by size) and ISO dates as seconds; anything else is undefined', () => {
    expect(parseTimeValue('874724710')).toBe(874724710);
    expect(parseTimeValue('1700000000000')).toBe(1700000000);
    expect(parseTimeValue('12.5')).toBe(12.5);
    expect(parseTimeValue('1970-01-02')).toBe(86400);
    expect(parseTimeValue('1970-01-01T00:01:00Z')).toBe(60);
    expect(parseTimeValue('1970-01-01 01:00:00+01:00')).toBe(0);
    expect(parseTimeValue('1970-01-01T00:00:30')).toBe(30); // no offset: UTC, whatever the machine's zone
    expect(parseTimeValue('')).toBeUndefined();
    expect(parseTimeValue('Jan 2 1970')).toBeUndefined();
    expect(parseTimeValue('1970-13-45')).toBeUndefined();
  });
});
