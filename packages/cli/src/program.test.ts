import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashers } from '@bloom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from './program.js';
import { bloom } from './test-support.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/reference/hash-vectors.json', import.meta.url), 'utf8'),
) as { ids: number[]; buckets_m200_first4_seeds_no_padding: number[][] };

describe('bloom hash', () => {
  it("prints Spotlight's buckets as the contract's JSON on the last stdout line", async () => {
    const { code, json } = await bloom(
      'hash',
      '--hasher',
      'murmur3',
      '--hashes',
      '4',
      '--buckets',
      '200',
      '--ids',
      vectors.ids.join(','),
      '--json',
    );
    expect(code).toBe(0);
    const expected = vectors.ids.map((_, i) =>
      vectors.buckets_m200_first4_seeds_no_padding.map((row) => row[i]),
    );
    expect(json).toMatchObject({ hasher: 'murmur3', buckets: 200, indices: expected });
  });

  it('applies the padding id, custom seeds and the reserved padding row', async () => {
    const padded = await bloom(
      'hash',
      '--hasher=murmur3',
      '--hashes=4',
      '--buckets=200',
      '--ids=0,1,2',
      '--padding-idx=0',
      '--json',
    );
    expect((padded.json as { indices: number[][] }).indices).toEqual([
      [0, 0, 0, 0],
      [1, 32, 82, 14],
      [161, 52, 56, 171],
    ]);
    const seeded = await bloom(
      'hash',
      '--hasher=xxhash32',
      '--hashes=2',
      '--buckets=10',
      '--ids=5',
      '--seeds=1,2',
      '--json',
    );
    expect(seeded.json).toMatchObject({ seeds: [1, 2] });
    const reserved = await bloom(
      'hash',
      '--hasher=multiplicative',
      '--hashes=3',
      '--buckets=2',
      '--ids=0,1,2,3',
      '--padding-idx=0',
      '--reserve-padding-row',
      '--json',
    );
    expect((reserved.json as { indices: number[][] }).indices).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('prints a readable table without --json', async () => {
    const { code, out } = await bloom('hash', '--hasher=murmur3', '--hashes=2', '--buckets=200', '--ids=0,1');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/id\s+h0\s+h1/);
  });

  it.each([
    [['--hasher=sha1'], /--hasher: expected one of multiplicative, murmur3, xxhash32, xxhash64, got "sha1"/],
    [['--hashes=25'], /--hashes: expected an integer in \[1, 24\]/],
    [['--buckets=0'], /'--buckets <m>' argument '0' is invalid. expected an integer in \[1, 2147483647\]/],
    [
      ['--ids=1,2.5'],
      /'--ids <list>' argument '1,2.5' is invalid. expected comma-separated integer ids .* got "2.5" at position 1/,
    ],
    [['--ids=1,2147483648'], /--ids .* in \[-2147483648, 2147483647\], got "2147483648"/],
    [['--ids=a'], /--ids/],
    [['--seeds=1,x'], /--seeds .* expected "spotlight" or comma-separated integer seeds/],
    [['--reserve-padding-row'], /--reserve-padding-row: expected true only together with a paddingIdx/],
    [['--padding-idx=-2147483649'], /--padding-idx/],
  ])('rejects %j, naming the option and the allowed values', async (override, message) => {
    const base: Record<string, string> = { hasher: 'murmur3', hashes: '4', buckets: '200', ids: '0,1' };
    const args = ['hash', ...Object.entries(base).map(([k, v]) => `--${k}=${v}`), ...override];
    const { code, err, out } = await bloom(...args);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('reports a missing required option and an unknown command', async () => {
    expect((await bloom('hash', '--hasher=murmur3')).err).toMatch(
      /required option '--hashes <k>' not specified/,
    );
    const unknown = await bloom('frobnicate');
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/unknown command 'frobnicate'/);
  });

  afterEach(() => {
    hashers.unregister('modulo'); // the plugin registers into the process-wide registry
  });

  it('loads plugins that register their own hashers', async () => {
    const plugin = fileURLToPath(new URL('./fixtures/modulo-hasher-plugin.mjs', import.meta.url));
    const { code, json } = await bloom(
      '--plugin',
      plugin,
      'hash',
      '--hasher=modulo',
      '--hashes=2',
      '--buckets=10',
      '--ids=3',
      '--seeds=1,2',
      '--json',
    );
    expect(code).toBe(0);
    expect((json as { indices: number[][] }).indices).toEqual([[4, 5]]);
  });

  it('prints help with exit code 0', async () => {
    const { code, out } = await bloom('hash', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/--padding-idx <id>/);
  });
});

describe('bloom quality', () => {
  it('reports every hasher with its ideal values', async () => {
    const { code, json, err } = await bloom('quality', '--ids=5000', '--buckets=500', '--hashes=2', '--json');
    expect(code).toBe(0);
    expect(err).toMatch(/bloom quality: murmur3/);
    const results = (json as { results: Record<string, number | string>[] }).results;
    expect(results.map((r) => r.hasher)).toEqual(['multiplicative', 'murmur3', 'xxhash32', 'xxhash64']);
    const murmur = results.find((r) => r.hasher === 'murmur3')!;
    expect(Math.abs(murmur.chi_square_z as number)).toBeLessThan(5);
    expect(Math.abs((murmur.colliding_ids as number) - (murmur.colliding_ids_ideal as number))).toBeLessThan(
      0.02,
    );
  });

  it('rejects an unknown hasher in the list', async () => {
    const { code, err } = await bloom('quality', '--hasher=murmur3,nope');
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/--hasher: expected one of all, multiplicative/);
  });
});
