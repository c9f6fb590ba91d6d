import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Cell, expandMatrix } from './cell.js';
import { parseMatrix } from './matrix.js';
import { runTrainCell } from './run-train-cell.js';
import { type CellOutcome, readRecords, runMatrix } from './runner.js';

const FAKE_BLOOM = fileURLToPath(new URL('./fixtures/fake-bloom.mjs', import.meta.url));
const cells = (dataset = 'ml-100k') =>
  expandMatrix(
    parseMatrix({
      name: 'm',
      dataset,
      axes: { strategy: ['dense', 'bloom'], backend: ['cpu', 'gpu'], numEmbeddings: [1e4, 1e6] },
    }),
  );

describe('runMatrix', () => {
  it('skips unavailable backends with the reason, and resumes without redoing finished cells', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bloom-bench-')), 'results.jsonl');
    const ran: Cell[] = [];
    const execute = async (cell: Cell): Promise<CellOutcome> => {
      ran.push(cell);
      if (ran.length === 3) throw new Error('interrupted'); // the process dies during the third cell
      return { status: 'ok', result: { seconds_per_epoch: 1 }, wallSeconds: 0.1 };
    };
    const availability = async (backend: string) =>
      backend === 'cpu'
        ? { available: true as const }
        : { available: false as const, reason: 'no GPU adapter' };
    const options = { cells: cells(), resultsFile: file, execute, availability, budgetSeconds: 10 };
    await expect(runMatrix(options)).rejects.toThrow('interrupted');
    expect(readRecords(file).size).toBe(4); // the two dense cpu cells, and the two gpu cells skipped after them
    appendFileSync(file, '{"key": "torn'); // a line cut short by the interruption
    ran.length = 10; // no more interruptions
    const records = await runMatrix(options);
    expect(records).toHaveLength(8);
    expect(ran).toHaveLength(10 + 2); // only the two cpu cells not yet finished ran
    const skipped = records.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(4);
    expect(skipped[0]!.reason).toBe('no GPU adapter');
    // A fresh run does everything again.
    await runMatrix({ ...options, fresh: true });
    expect(ran).toHaveLength(12 + 4);
  });
});

describe('runTrainCell', () => {
  const [cell] = cells();
  it('runs bloom train in a fresh process and parses its JSON line', async () => {
    const outcome = await runTrainCell(FAKE_BLOOM, { ...cell!, numEmbeddings: 2e6 }, 30);
    expect(outcome.status).toBe('ok');
    expect(outcome.result).toMatchObject({ seconds_per_epoch: 2, mrr: 0.1 });
    expect((outcome.result!.args as string[]).slice(-2)).toEqual(['--json', '--no-progress']);
  });

  it('records failures with the last error line, and stops cells at their budget', async () => {
    const failed = await runTrainCell(FAKE_BLOOM, { ...cell!, dataset: 'broken' }, 30);
    expect(failed).toMatchObject({ status: 'failed', reason: expect.stringMatching(/Invalid --hashes/) });
    const slow = await runTrainCell(FAKE_BLOOM, { ...cell!, dataset: 'slow' }, 0.5);
    expect(slow).toMatchObject({ status: 'timeout', reason: 'stopped after the 0.5 s budget' });
    expect(slow.wallSeconds).toBeLessThan(20);
  });
});

describe('results file', () => {
  it('holds one JSON record per line with the cell and its outcome', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bloom-bench-')), 'r.jsonl');
    await runMatrix({
      cells: cells().slice(0, 2),
      resultsFile: file,
      execute: async () => ({ status: 'ok', result: { seconds_per_epoch: 0.5 }, wallSeconds: 1 }),
      availability: async () => ({ available: true }),
      budgetSeconds: 1,
    });
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ status: 'ok', cell: { strategy: 'dense', backend: 'cpu' } });
  });
});
