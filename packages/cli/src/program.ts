import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BloomError, ConfigError } from '@bloom/core';
import { registerBuiltinHashers } from '@bloom/hashers';
import { Command, CommanderError } from 'commander';
import { registerBenchCommand } from './commands/bench.js';
import { registerDatasetsCommand } from './commands/datasets.js';
import { registerExperimentCommand } from './commands/experiment.js';
import { registerHashCommand } from './commands/hash.js';
import { registerQualityCommand } from './commands/quality.js';
import { registerRecommendCommand } from './commands/recommend.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTrainCommand } from './commands/train.js';
import { registerWorkerCommand } from './commands/worker.js';
import { type CliIo, processIo } from './io.js';

/** Exit code for bad arguments or configuration (as commander and most Unix tools use for usage errors). */
export const EXIT_USAGE = 2;
/** Exit code for any other failure. */
export const EXIT_FAILURE = 1;

/** Builds the `bloom` command tree, writing through `io` and never exiting the process itself. */
export function createProgram(io: CliIo = processIo): Command {
  registerBuiltinHashers();
  const program = new Command('bloom')
    .description('Bloom embeddings for recommender models: hashing, training and benchmarks')
    .option(
      '--plugin <module>',
      'import a module that registers hashers, strategies or backends first (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.hook('preAction', async (command) => {
    for (const specifier of command.opts().plugin as string[]) await importPlugin(specifier);
  });
  registerHashCommand(program, io);
  registerQualityCommand(program, io);
  registerDatasetsCommand(program, io);
  registerTrainCommand(program, io);
  registerRecommendCommand(program, io);
  registerServeCommand(program, io);
  registerBenchCommand(program, io);
  registerWorkerCommand(program, io);
  registerExperimentCommand(program, io);
  // Every command, subcommands too (experiment speed|accuracy), writes through io and never exits the process.
  const configure = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/**
 * Runs `bloom` with `argv` (without the node and script paths) and returns the exit code: 0 on success,
 * {@link EXIT_USAGE} for bad arguments, {@link EXIT_FAILURE} otherwise. Errors go to `io.err`.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are requested output, not failures; commander has already printed its message.
      if (error.exitCode === 0) return 0;
      return EXIT_USAGE;
    }
    if (error instanceof BloomError) {
      io.err(`bloom: ${error.message}\n`);
      return error.code === 'BLOOM_CONFIG' ? EXIT_USAGE : EXIT_FAILURE;
    }
    io.err(`bloom: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * Imports a plugin: a path (`./my-plugin.mjs`, `/abs/plugin.mjs`) relative to the working directory, as a user
 * types it, or a package name.
 * @throws ConfigError naming the plugin when it cannot be loaded.
 */
export async function importPlugin(specifier: string): Promise<void> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const url = isPath ? pathToFileURL(resolve(specifier)).href : specifier;
  try {
    await import(url);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError('--plugin', `a module that loads (${why})`, specifier);
  }
}
