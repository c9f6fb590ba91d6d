import { datasets, fetchDataset, loadDataset, locateDataset } from '@bloom/data';
import type { Command } from 'commander';
import { requireRegistered } from '../cli-options.js';
import type { CliIo } from '../io.js';

interface LocationOptions {
  dataDir?: string;
  cacheDir?: string;
  json?: boolean;
}

/** `bloom datasets list|fetch|info`: where each dataset is found, fetching one, and its sizes. */
export function registerDatasetsCommand(program: Command, io: CliIo): void {
  const command = program
    .command('datasets')
    .description('list, fetch and describe the datasets Bloom knows');
  const withLocations = (c: Command) =>
    c
      .option('--data-dir <dir>', 'folder of extracted datasets (default: BLOOM_DATA_DIR)')
      .option('--cache-dir <dir>', 'download cache (default: BLOOM_CACHE_DIR or the user cache folder)')
      .option('--json', 'print the result as one JSON object on the last line of stdout');

  withLocations(command.command('list'))
    .description('list every registered dataset and where it would be read from')
    .action((options: LocationOptions) => listDatasets(options, io));

  withLocations(command.command('fetch'))
    .description('download a dataset into the cache (checksum-verified)')
    .argument('<name>', 'dataset name, e.g. ml-1m')
    .option('--no-progress', 'do not draw a progress bar')
    .action((name: string, options: LocationOptions & { progress: boolean }) => fetchOne(name, options, io));

  withLocations(command.command('info'))
    .description('load a dataset (downloading it if needed) and print its sizes')
    .argument('<name>', 'dataset name, e.g. ml-latest-small')
    .option('--offline', 'never download')
    .action((name: string, options: LocationOptions & { offline?: boolean }) => info(name, options, io));

  for (const sub of command.commands)
    sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}

function listDatasets(options: LocationOptions, io: CliIo): void {
  const rows = datasets.entries().map((definition) => {
    const found = locateDataset(definition, options);
    return {
      name: definition.name,
      title: definition.title,
      source: found?.kind ?? null,
      path: found?.path ?? null,
      url: definition.url,
    };
  });
  for (const row of rows) {
    const where =
      row.source === null ? `not found locally (download: ${row.url})` : `${row.source}: ${row.path}`;
    io.out(`${row.name.padEnd(16)} ${row.title.padEnd(54)} ${where}\n`);
  }
  if (options.json) io.out(`${JSON.stringify({ datasets: rows })}\n`);
}

async function fetchOne(
  name: string,
  options: LocationOptions & { progress: boolean },
  io: CliIo,
): Promise<void> {
  const definition = datasets.get(requireRegistered('dataset', name, datasets.list()));
  io.err(`bloom datasets: fetching ${definition.url}\n`);
  const path = await fetchDataset(definition, { ...options, progress: options.progress ? undefined : false });
  io.out(options.json ? `${JSON.stringify({ name, path })}\n` : `${name}: ${path}\n`);
}

async function info(
  name: string,
  options: LocationOptions & { offline?: boolean },
  io: CliIo,
): Promise<void> {
  requireRegistered('dataset', name, datasets.list());
  const loaded = await loadDataset(name, { ...options, download: options.offline ? false : undefined });
  const data = loaded.interactions;
  const summary = {
    name,
    source: loaded.source.kind,
    path: loaded.source.path,
    interactions: data.length,
    users: data.countUsersWithInteractions(),
    items: data.countItemsWithInteractions(),
    num_users: data.numUsers,
    num_items: data.numItems,
  };
  if (options.json) {
    io.out(`${JSON.stringify(summary)}\n`);
  } else {
    io.out(
      `${name} (${summary.source}: ${summary.path})\n${summary.interactions} interactions, ${summary.users} users, ` +
        `${summary.items} items; tables ${summary.num_users} x ${summary.num_items} (id 0 unused)\n`,
    );
  }
}
