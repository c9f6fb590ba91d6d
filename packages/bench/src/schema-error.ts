import { ConfigError } from '@bloom/core';
import type { z } from 'zod';

/**
 * The ConfigError of a failed schema check: its first issue, named by the field's path under `source`, with the
 * value found there.
 * @param value - What was checked, to show the refused value.
 */
export function schemaError(error: z.ZodError, source: string, value: unknown): ConfigError {
  const issue = error.issues[0]!;
  const path = issue.path.length === 0 ? '(top level)' : issue.path.join('.');
  return new ConfigError(`${source}: ${path}`, issue.message, pick(value, issue.path));
}

function pick(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
