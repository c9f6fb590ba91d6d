import { readFile } from 'node:fs/promises';
import { ConfigError, DataError } from '@bloom/core';
import { z } from 'zod';

/** A JSON file naming the columns of your own data: the same as --user-col, --item-col and the rest. */
const ColumnsSpec = z
  .object({
    user: z.string().min(1),
    item: z.string().min(1),
    rating: z.string().min(1).optional(),
    time: z.string().min(1).optional(),
    separator: z.string().length(1).optional(),
    header: z.boolean().optional(),
  })
  .strict();

export type ColumnsSpec = z.infer<typeof ColumnsSpec>;

/**
 * Reads and validates a `--columns` file, e.g. `{"user": "visitor", "item": "sku", "time": "when"}`.
 * @throws DataError naming the file for unreadable JSON; ConfigError naming the field and what it allows.
 */
export async function readColumnsSpec(path: string): Promise<ColumnsSpec> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'no such columns file' : `not JSON: ${(error as Error).message}`,
      path,
    );
  }
  const parsed = ColumnsSpec.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field =
      issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
    throw new ConfigError(
      `--columns ${field}`,
      'user and item column names (strings), optional rating, time, separator (one character) and header (true or false)',
      issue.message,
    );
  }
  return parsed.data;
}
