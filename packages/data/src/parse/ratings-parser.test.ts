import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import {
  MOVIELENS_100K_FORMAT,
  MOVIELENS_CSV_FORMAT,
  MOVIELENS_DAT_FORMAT,
  type RatingsFormat,
} from './ratings-format.js';
import { RatingsParser } from './ratings-parser.js';
import { readRatingsFile } from './read-ratings-file.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-parse-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Feeds `text` in pieces of `size` bytes, so lines straddle chunk boundaries. */
function parseChunked(text: string, format: RatingsFormat, size: number) {
  const bytes = new TextEncoder().encode(text);
  const parser = new RatingsParser(format, 'mem', 1);
  for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
  return parser.end();
}

describe('RatingsParser', () => {
  it('reads the three MovieLens layouts', async () => {
    const tab = await readRatingsFile(
      file('u.data', '196\t242\t3\t881250949\n186\t302\t3\t891717742\n'),
      MOVIELENS_100K_FORMAT,
    );
    expect(Array.from(tab.userIds)).toEqual([196, 186]);
    expect(Array.from(tab.timestamps!)).toEqual([881250949, 891717742]);
    const dat = await readRatingsFile(
      file('ratings.dat', '1::1193::5::978300760\n1::661::3::978302109\n'),
      MOVIELENS_DAT_FORMAT,
    );
    expect(Array.from(dat.itemIds)).toEqual([1193, 661]);
    const csv = await readRatingsFile(
      file('ratings.csv', 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n'),
      MOVIELENS_CSV_FORMAT,
    );
    expect(Array.from(csv.ratings!)).toEqual([4, 4.5]);
  });

  it('gives the same columns whatever the chunking, with CRLF and without a final newline', () => {
    const lines = Array.from(
      { length: 500 },
      (_, i) => `${i % 17}::${(i * 7919) % 1000}::${(i % 10) / 2}::${1e9 + i}`,
    );
    const text = `${lines.join('\r\n')}`;
    const whole = parseChunked(text, MOVIELENS_DAT_FORMAT, text.length);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const pieces = parseChunked(text, MOVIELENS_DAT_FORMAT, size);
      expect(Array.from(pieces.userIds)).toEqual(Array.from(whole.userIds));
      expect(Array.from(pieces.itemIds)).toEqual(Array.from(whole.itemIds));
      expect(Array.from(pieces.ratings!)).toEqual(Array.from(whole.ratings!));
      expect(Array.from(pieces.timestamps!)).toEqual(Array.from(whole.timestamps!));
    }
    expect(whole.userIds.length).toBe(500);
    expect(whole.ratings![3]).toBe(1.5);
  });

  it('parses decimals exactly as Number() does, including forms off the fast path', () => {
    const values = ['0.5', '3', '4.25', '-1.75', '1e3', '+2', ' 3.5', '0.1', '123456.789', '4.'];
    const text = values.map((v, i) => `${i},1,${v},0`).join('\n');
    const parsed = parseChunked(`userId,movieId,rating,timestamp\n${text}`, MOVIELENS_CSV_FORMAT, 5);
    expect(Array.from(parsed.ratings!)).toEqual(values.map((v) => Math.fround(Number(v))));
  });

  const malformed: [string, string, RatingsFormat, RegExp][] = [
    ['empty.csv', '', MOVIELENS_CSV_FORMAT, /empty\.csv: is empty; expected MovieLens ratings\.csv/],
    [
      'header-only.csv',
      'userId,movieId,rating,timestamp\n',
      MOVIELENS_CSV_FORMAT,
      /header-only\.csv: has no rating lines/,
    ],
    [
      'bad-header.csv',
      'user,item,rating,timestamp\n1,2,3,4\n',
      MOVIELENS_CSV_FORMAT,
      /bad-header\.csv:1: expected the header 'userId,movieId,rating,timestamp'/,
    ],
    [
      'columns.data',
      '1\t2\t3\t4\n5\t6\t7\n',
      MOVIELENS_100K_FORMAT,
      /columns\.data:2: expected 4 fields separated by "\\t", found 3 in '5\t6\t7'/,
    ],
    [
      'extra.dat',
      '1::2::3::4\n1::2::3::4::5\n',
      MOVIELENS_DAT_FORMAT,
      /extra\.dat:2: expected 4 fields .* found 5/,
    ],
    [
      'letters.data',
      '1\t2\t3\t4\n1\tabc\t3\t4\n',
      MOVIELENS_100K_FORMAT,
      /letters\.data:2: item id 'abc' is not an integer in \[0, 2147483647\]/,
    ],
    [
      'negative.data',
      '-1\t2\t3\t4\n',
      MOVIELENS_100K_FORMAT,
      /negative\.data:1: user id '-1' is not an integer/,
    ],
    ['huge.data', '1\t2147483648\t3\t4\n', MOVIELENS_100K_FORMAT, /huge\.data:1: item id '2147483648'/],
    [
      'nan.csv',
      'userId,movieId,rating,timestamp\n1,2,4.0,1\n1,2,four,1\n',
      MOVIELENS_CSV_FORMAT,
      /nan\.csv:3: rating 'four' is not a finite number/,
    ],
    [
      'missing-field.csv',
      'userId,movieId,rating,timestamp\n1,2,,1\n',
      MOVIELENS_CSV_FORMAT,
      /missing-field\.csv:2: rating '' is not a finite number/,
    ],
    [
      'truncated.dat',
      '1::2::3::978300760\n1::661::3::97830\n1::66',
      MOVIELENS_DAT_FORMAT,
      /truncated\.dat:3: expected 4 fields separated by "::", found 2/,
    ],
    [
      'wrong-sep.dat',
      '1,1193,5,978300760\n',
      MOVIELENS_DAT_FORMAT,
      /wrong-sep\.dat:1: expected 4 fields separated by "::", found 1 .*the line contains ",": is this another format\?/,
    ],
    [
      'tabs.csv',
      'userId,movieId,rating,timestamp\n1\t2\t3\t4\n',
      MOVIELENS_CSV_FORMAT,
      /tabs\.csv:2: .*found 1.*contains "\\t"/,
    ],
  ];
  for (const [name, text, format, message] of malformed) {
    it(`reports ${name} with its file and line`, async () => {
      const path = file(name, text);
      const error = await readRatingsFile(path, format).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toMatch(message);
      expect((error as DataError).message.startsWith(path)).toBe(true);
    });
  }

  it('counts lines across chunk boundaries for errors', () => {
    const good = '1::2::3::4\n'.repeat(1000);
    expect(() => parseChunked(`${good}1::2::x::4\n`, MOVIELENS_DAT_FORMAT, 333)).toThrow(
      /mem:1001: rating 'x'/,
    );
  });

  it('skips blank lines and refuses bad separators in a format', () => {
    expect(parseChunked('1\t2\t3\t4\n\n5\t6\t7\t8\n\n', MOVIELENS_100K_FORMAT, 4).userIds.length).toBe(2);
    expect(() => new RatingsParser({ ...MOVIELENS_DAT_FORMAT, separator: ':::' }, 'x')).toThrow(RangeError);
  });
});
