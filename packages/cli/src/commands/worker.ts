import { hostname } from 'node:os';
import { runTrainCell } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import { checkQueue, connectQueue, MatrixWorker, parseQueueUrl, redactQueueUrl } from '@bloom/matrix-queue';
import { type Command, Option } from 'commander';
import { integerIn, positiveNumber } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { backendAvailability, knownBackends } from '../load-backend.js';
import { absolutePlugins, cellLabel, outcomeLine, trainBin } from '../run-cells.js';

interface WorkerOptions {
  queue: string;
  backends?: string;
  concurrency: number;
  lockSeconds: number;
  host?: string;
  plugins?: readonly string[];
}

/** `bloom worker`: runs matrix cells from a Redis queue on this machine. */
export function registerWorkerCommand(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description(
      'run benchmark-matrix cells from a queue (BullMQ on Redis) on this machine, each as a fresh `bloom train` ' +
        'within its time budget; `bloom bench --queue` enqueues and collects them',
    )
    .addOption(
      new Option(
        '--queue <url>',
        'redis://[user:password@]host[:port][/db], or rediss:// for TLS (or set BLOOM_QUEUE, which keeps a password out of the process list)',
      )
        .env('BLOOM_QUEUE')
        .makeOptionMandatory(),
    )
    .option(
      '--backends <list>',
      'comma-separated backends whose cells this machine takes (default: every backend available here)',
    )
    .option(
      '--concurrency <n>',
      'cells run at once on this machine, across its backends',
      integerIn(1, 64),
      1,
    )
    .option(
      '--lock-seconds <s>',
      "how long a cell's lock lasts unrenewed: a dead worker's cell goes to another within about twice this",
      positiveNumber('--lock-seconds'),
      30,
    )
    .option('--host <name>', 'the name recorded with each result (default: this host name)')
    .addHelpText(
      'after',
      '\nCtrl-C finishes the running cell, then stops; a second Ctrl-C, or SIGTERM, stops it at once and puts it ' +
        'back on the queue for another worker.\nNever expose an unauthenticated Redis: see docs/distributed.md.',
    )
    .action((options: WorkerOptions, command: Command) =>
      worker({ ...options, plugins: command.optsWithGlobals().plugin }, io),
    );
}

/** The backends to serve: those named (each must be able to run here), or every one that can. */
async function chooseBackends(list: string | undefined, io: CliIo): Promise<string[]> {
  if (list !== undefined) {
    const names = list.split(',').map((s) => s.trim());
    for (const name of names) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ConfigError('--backends', 'backend names', name);
      const availability = await backendAvailability(name);
      if (!availability.available) {
        throw new ConfigError('--backends', 'backends that can run here', `${name} (${availability.reason})`);
      }
    }
    return names;
  }
  const chosen: string[] = [];
  for (const name of knownBackends()) {
    const availability = await backendAvailability(name);
    if (availability.available) chosen.push(name);
    else io.err(`bloom worker: not taking ${name} cells: ${availability.reason}\n`);
  }
  if (chosen.length === 0) throw new ConfigError('--backends', 'at least one backend that runs here', 'none');
  return chosen;
}

/**
 * Serves until SIGINT or SIGTERM. `signals` is where they come from (the process; tests may pass an emitter).
 */
export async function worker(
  options: WorkerOptions,
  io: CliIo,
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'> = process,
): Promise<void> {
  const url = parseQueueUrl(options.queue);
  const host = options.host ?? hostname();
  // The name goes into Redis's client name, which refuses spaces and the like.
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(host))
    throw new ConfigError('--host', 'a name of letters, digits, ".", "_" and "-"', host);
  await checkQueue(url);
  const backends = await chooseBackends(options.backends, io);
  const bin = trainBin();
  const plugins = absolutePlugins(options.plugins);
  const connection = connectQueue(url, (message) =>
    io.err(`bloom worker: Redis at ${redactQueueUrl(url)}: ${message} (reconnecting)\n`),
  );
  let lastError = '';
  const matrixWorker = new MatrixWorker({
    connection,
    backends,
    concurrency: options.concurrency,
    lockSeconds: options.lockSeconds,
    host,
    execute: (cell, budget, signal) => runTrainCell(bin, cell, budget, process.env, plugins, signal),
    onEvent: (event) => {
      if (event.kind === 'start')
        io.err(`bloom worker: run ${cellLabel(event.cell)} (attempt ${event.attempt})\n`);
      else if (event.kind === 'finish')
        io.err(
          `bloom worker: ${cellLabel(event.cell)}: ${outcomeLine(event.outcome)} in ${event.outcome.wallSeconds.toFixed(1)} s\n`,
        );
      else if (event.kind === 'release') io.err(`bloom worker: put job ${event.jobId} back on the queue\n`);
      else if (event.kind === 'reject') io.err(`bloom worker: job ${event.jobId} ${event.reason}\n`);
      // The same error again and again (Redis down: every reconnection attempt fails) is told once.
      else if (event.message !== lastError) {
        lastError = event.message;
        io.err(`bloom worker: ${event.message}\n`);
      }
    },
  });
  let stop: (how: 'finish' | 'release') => void = () => {};
  const stopping = new Promise<'finish' | 'release'>((resolve) => {
    stop = resolve;
  });
  let interrupts = 0;
  const onInterrupt = () => stop(++interrupts === 1 ? 'finish' : 'release');
  const onTerminate = () => stop('release');
  signals.on('SIGINT', onInterrupt);
  signals.on('SIGTERM', onTerminate);
  try {
    await matrixWorker.start();
    io.err(
      `bloom worker: ${host} on ${redactQueueUrl(url)}: backends ${backends.join(', ')}; ` +
        `${options.concurrency} cell(s) at a time\n`,
    );
    const how = await stopping;
    if (how === 'finish') {
      if (matrixWorker.running > 0)
        io.err(
          'bloom worker: finishing the running cell, then stopping (Ctrl-C again to hand it back now)\n',
        );
      // A second signal while finishing hands the cell back instead.
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          io.err('bloom worker: stopping the running cell and putting it back on the queue\n');
          void matrixWorker.release();
        }
      };
      signals.on('SIGINT', release);
      signals.on('SIGTERM', release);
      try {
        await matrixWorker.close();
      } finally {
        signals.off('SIGINT', release);
        signals.off('SIGTERM', release);
      }
    } else {
      if (matrixWorker.running > 0)
        io.err('bloom worker: stopping the running cell and putting it back on the queue\n');
      await matrixWorker.release();
    }
    io.err('bloom worker: stopped\n');
  } finally {
    signals.off('SIGINT', onInterrupt);
    signals.off('SIGTERM', onTerminate);
    connection.disconnect();
  }
}
