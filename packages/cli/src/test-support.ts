// Helpers shared by this package's tests (excluded from the build with the tests).
import { run } from './program.js';

/** Runs `bloom` in-process and captures its output; `json` is the parsed last stdout line, if any. */
export async function bloom(
  ...argv: string[]
): Promise<{ code: number; out: string; err: string; json: unknown }> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  const lines = out.trimEnd().split('\n');
  let json: unknown;
  try {
    json = JSON.parse(lines[lines.length - 1]!);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}
