import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { integerIn } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { ModelSlot } from '../serve/model-slot.js';
import { createServer } from '../serve/routes.js';
import { openRecommender } from './recommend.js';

/** What `bloom serve` takes (its command-line options). */
export interface ServeOptions {
  model: string;
  port: number;
  host: string;
  backend: string;
}

// File events come in bursts (a rename is two); one reload after they settle.
const RELOAD_SETTLE_MS = 100;

/** `bloom serve`: the saved model as an HTTP JSON API, reloaded when its file is replaced or on SIGHUP. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve recommendations from a saved model over HTTP (JSON)')
    .requiredOption(
      '--model <path>',
      'the saved model (bloom train --save); reloaded when the file is replaced',
    )
    .option('--port <n>', 'port (0: any free one)', integerIn(0, 65535), 8080)
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--backend <name>', 'backend to score on', 'wasm')
    .action((options: ServeOptions) => serve(options, io));
}

/**
 * Serves until SIGTERM or SIGINT, then stops accepting connections, lets requests in flight finish and returns.
 * Replacing the model file (as `bloom train --save` does, by an atomic rename) or SIGHUP loads the new model and
 * swaps it in; a file that fails to load leaves the running model in place. `signals` is where the signals come
 * from (the process; tests pass an emitter).
 */
export async function serve(
  options: ServeOptions,
  io: CliIo,
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'> = process,
): Promise<void> {
  const slot = new ModelSlot(await openRecommender(options.model, options.backend), options.model);
  const app = createServer(slot);
  let reloading: Promise<void> = Promise.resolve();
  const reload = (why: string) => {
    reloading = reloading.then(async () => {
      try {
        slot.replace(await openRecommender(options.model, options.backend));
        io.err(`bloom serve: reloaded ${options.model} (${why})\n`);
      } catch (error) {
        io.err(
          `bloom serve: kept the running model; reloading ${options.model} failed: ${(error as Error).message}\n`,
        );
      }
    });
  };
  let timer: NodeJS.Timeout | undefined;
  // The folder is watched, not the file: a rename replaces the file, which a watch on it would lose.
  const watcher = watch(dirname(options.model), (_event, name) => {
    if (name !== basename(options.model)) return;
    clearTimeout(timer);
    timer = setTimeout(() => reload('file replaced'), RELOAD_SETTLE_MS);
  });
  const onHangup = () => reload('SIGHUP');
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onTerminate = () => stop('SIGTERM');
  const onInterrupt = () => stop('SIGINT');
  signals.on('SIGHUP', onHangup);
  signals.on('SIGTERM', onTerminate);
  signals.on('SIGINT', onInterrupt);
  try {
    const address = await app.listen({ port: options.port, host: options.host });
    io.err(`bloom serve: ${options.model} on ${address}\n`);
    const signal = await stopped;
    io.err(`bloom serve: ${signal}: finishing requests in flight, then stopping\n`);
  } finally {
    watcher.close();
    clearTimeout(timer);
    signals.off('SIGHUP', onHangup);
    signals.off('SIGTERM', onTerminate);
    signals.off('SIGINT', onInterrupt);
    await app.close();
    await reloading;
    slot.close();
  }
  io.err('bloom serve: stopped\n');
}
