import { spawn } from 'node:child_process';
import { type Cell, trainArguments } from './cell.js';
import type { CellOutcome } from './runner.js';

/**
 * Runs a cell as `node <bin> train ... --json` in a fresh process (so tables, JIT state and memory of one cell
 * never affect the next), stopping it after `budgetSeconds`.
 * @param bin - The `bloom` command's script (the CLI passes its own).
 * @param plugins - Modules each cell's process imports first (`--plugin`), so that a plugin's models, strategies
 *   and backends are there in every cell.
 * @param signal - Stops the cell's process when it aborts (a worker shutting down); the outcome is then `failed`.
 */
export function runTrainCell(
  bin: string,
  cell: Cell,
  budgetSeconds: number,
  env: NodeJS.ProcessEnv = process.env,
  plugins: readonly string[] = [],
  signal?: AbortSignal,
): Promise<CellOutcome> {
  const args = [
    bin,
    ...plugins.flatMap((plugin) => ['--plugin', plugin]),
    ...trainArguments(cell),
    '--json',
    '--no-progress',
  ];
  const start = performance.now();
  return new Promise((resolve) => {
    // BLOOM_PARENT_PID: the cell ends itself if this process is killed outright (see the CLI's exit-with-parent).
    const child = spawn(process.execPath, args, {
      env: { ...env, BLOOM_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr = (stderr + s).slice(-4000); // the tail is what explains a failure
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, budgetSeconds * 1000);
    const stop = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      const wallSeconds = (performance.now() - start) / 1000;
      if (signal?.aborted) {
        resolve({ status: 'failed', reason: 'stopped: the worker is shutting down', wallSeconds });
        return;
      }
      if (timedOut) {
        resolve({ status: 'timeout', reason: `stopped after the ${budgetSeconds} s budget`, wallSeconds });
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0) {
        try {
          resolve({ status: 'ok', result: JSON.parse(last) as Record<string, unknown>, wallSeconds });
          return;
        } catch {
          // fall through: a zero exit without the result line is a failure too
        }
      }
      // bloom's own error line, rather than whatever a library printed after it (Dawn's warnings, say).
      const lines = stderr.trim().split('\n').filter(Boolean);
      const why = lines.filter((l) => l.startsWith('bloom:')).at(-1) ?? lines.at(-1) ?? `exit code ${code}`;
      resolve({ status: 'failed', reason: why, wallSeconds });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'failed', reason: `could not start ${bin}: ${error.message}`, wallSeconds: 0 });
    });
  });
}
