import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));
const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('ends a cell whose parent was killed outright, instead of letting it train on as an orphan', async () => {
  // A parent (as `bloom worker` is) starts a long `bloom train` with BLOOM_PARENT_PID, then is SIGKILLed.
  const parentScript = `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@bloom/source', ${JSON.stringify(BIN)},
      'train', '--dataset', 'ml-100k', '--epochs', '1000', '--no-eval', '--no-progress'],
      { env: { ...process.env, BLOOM_DATA_DIR: ${JSON.stringify(SHARED_DATA)}, BLOOM_PARENT_PID: String(process.pid) },
        stdio: ['ignore', 'ignore', 'inherit'] });
    process.stdout.write(child.pid + '\\n');
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  parent.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const childPid = await new Promise<number>((resolve) =>
    parent.stdout.setEncoding('utf8').once('data', (s: string) => resolve(Number(s.trim()))),
  );
  // Let it get into training, then kill its parent the way the OOM killer would.
  await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(/bloom train:/);
  expect(alive(childPid)).toBe(true);
  parent.kill('SIGKILL');
  await expect.poll(() => alive(childPid), { timeout: 15_000, interval: 100 }).toBe(false);
});
