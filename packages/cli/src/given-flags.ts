import type { Command } from 'commander';

/**
 * The options a user gave `command` on its command line, written back as flags (` --models lstm --sizes
 * 10000,100000`), so that a report's "Command:" line reproduces the run. Defaults are left out, but for the
 * options named in `always` (by attribute name), which are written whatever their source; parsed lists are joined
 * with commas.
 */
export function givenFlags(command: Command, always: readonly string[] = []): string {
  const flags: string[] = [];
  for (const option of command.options) {
    const key = option.attributeName();
    const value: unknown = command.getOptionValue(key);
    const given = command.getOptionValueSource(key) === 'cli' || always.includes(key);
    if (option.long === undefined || !given || value === undefined) continue;
    if (typeof value === 'boolean') {
      flags.push(option.long);
      continue;
    }
    const text = Array.isArray(value) ? value.join(',') : String(value);
    flags.push(option.long, /^[\w.,:/@+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);
  }
  return flags.map((flag) => ` ${flag}`).join('');
}
