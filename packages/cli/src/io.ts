/** Where a command writes: results to `out` (stdout), progress and errors to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own streams. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A command's result (DESIGN.md): one JSON line with `json`, else one `key: value` line per field. */
export function printResult(io: CliIo, result: Record<string, unknown>, json: boolean | undefined): void {
  const text = json
    ? JSON.stringify(result)
    : Object.entries(result)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
  io.out(`${text}\n`);
}
