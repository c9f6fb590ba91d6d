import { readFile } from 'node:fs/promises';
import { ConfigError, DataError } from '@bloom/core';
import { unreadableFileReason } from '@bloom/data';
import { loadServable, type Recommendation, Recommender } from '@bloom/models';
import type { Command } from 'commander';
import { integerIn } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { loadBackend } from '../load-backend.js';

interface RecommendOptions {
  model: string;
  user?: string;
  usersFile?: string;
  history?: string;
  k: number;
  excludeSeen?: boolean;
  backend: string;
  json?: boolean;
}

/** `bloom recommend`: the top k items for users (or after a history) from a model saved by `bloom train --save`. */
export function registerRecommendCommand(program: Command, io: CliIo): void {
  program
    .command('recommend')
    .description('recommend items from a model saved with bloom train --save')
    .requiredOption('--model <path>', 'the saved model (bloom train --save)')
    .option('--user <id>', 'the user, by the id the data had (string or integer)')
    .option('--users-file <path>', 'recommend for every user in this file (one id per line)')
    .option(
      '--history <ids>',
      'sequence models: item ids, oldest first, comma-separated or as a JSON array; the next items after them',
    )
    .option('--k <n>', 'how many items', integerIn(1, 10_000), 10)
    .option('--exclude-seen', "leave out the items the user had in training (or the history's items)")
    .option('--backend <name>', 'backend to score on', 'wasm')
    .option('--json', 'print the result as one JSON object on the last line of stdout')
    .action((options: RecommendOptions) => recommend(options, io));
}

async function recommend(options: RecommendOptions, io: CliIo): Promise<void> {
  const asked = [options.user, options.usersFile, options.history].filter((v) => v !== undefined).length;
  if (asked !== 1) {
    throw new ConfigError('--user', 'exactly one of --user, --users-file or --history', options.user);
  }
  const recommender = await openRecommender(options.model, options.backend);
  const how = { k: options.k, excludeSeen: options.excludeSeen ?? false };
  try {
    if (options.history !== undefined) {
      const history = historyIds(options.history).map((id) => recommender.rawIdOf(id, 'items'));
      print(recommender.recommendAfter(history, how), options, io);
    } else if (options.user !== undefined) {
      print(recommender.recommend(recommender.rawIdOf(options.user, 'users'), how), options, io);
    } else {
      const users = (await readFile(options.usersFile!, 'utf8'))
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '');
      const results = users.map((user) =>
        recommender.recommend(recommender.rawIdOf(user.trim(), 'users'), how),
      );
      if (options.json) io.out(`${JSON.stringify({ recommendations: results })}\n`);
      else for (const result of results) print(result, options, io);
    }
  } finally {
    recommender.model.dispose();
  }
}

/** The saved model and its serving index, or a DataError naming the file. */
export async function openRecommender(path: string, backend: string): Promise<Recommender> {
  const adapter = await loadBackend(backend);
  let loaded: Awaited<ReturnType<typeof loadServable>>;
  try {
    // Answering only: without the optimizer state, rows are read without their Adam moments beside them.
    loaded = await loadServable(path, adapter, { optimizerState: false });
  } catch (error) {
    const why = unreadableFileReason(error);
    if (why !== undefined) throw new DataError(`cannot read the model (${why})`, path);
    throw error;
  }
  if (loaded.serving === undefined) {
    loaded.model.dispose();
    throw new DataError('this checkpoint has no serving index: save the model with bloom train --save', path);
  }
  return new Recommender(loaded.model, loaded.serving);
}

// `--history`: comma-separated ids, or a JSON array of them (for ids that contain commas).
function historyIds(text: string): string[] {
  if (!text.trimStart().startsWith('[')) return text.split(',').map((id) => id.trim());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string' || typeof id === 'number')) {
    throw new ConfigError('--history', 'comma-separated item ids or a JSON array of them', text);
  }
  return parsed.map(String);
}

function print(result: Recommendation, options: RecommendOptions, io: CliIo): void {
  if (options.json) {
    io.out(`${JSON.stringify(result)}\n`);
    return;
  }
  const who =
    options.history === undefined ? `user ${result.user}${result.cold ? ' (cold)' : ''}` : 'next items';
  io.out(
    `${who}:\n${result.items.map((r, i) => `  ${i + 1}. ${r.item}  ${r.score.toFixed(4)}`).join('\n')}\n`,
  );
}
