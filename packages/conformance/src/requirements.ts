import { describe, it } from 'vitest';

/** What a suite that needs something this machine may lack does here: run, skip, or fail because CI requires it. */
export type RequirementOutcome = 'run' | 'skip' | 'fail';

/**
 * The outcome for a suite whose requirement is `missing` (a reason, or undefined where it is met), given the
 * environment variable `required` that CI sets to 1 so that a missing requirement fails instead of skipping.
 */
export function requirementOutcome(
  missing: string | undefined,
  required: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RequirementOutcome {
  if (missing === undefined) return 'run';
  return env[required] === '1' ? 'fail' : 'skip';
}

/**
 * A suite that needs something this machine may lack (Chromium, a WebGPU adapter, a CUDA addon that built):
 * it runs where the requirement is met (`missing` undefined); elsewhere it is skipped with the reason in its
 * title, so that `npm test` passes on a fresh machine and says what it left out, unless the environment variable
 * `required` is 1 (CI sets it where it installs the requirement): then one failing test stands in its place.
 *
 * @example
 * describeRequiring('the browser check', existsSync(chromium) ? undefined : `no Chromium at ${chromium}`,
 *   'BLOOM_REQUIRE_BROWSER', () => { it(...) });
 */
export function describeRequiring(
  title: string,
  missing: string | undefined,
  required: string,
  body: () => void,
): void {
  const outcome = requirementOutcome(missing, required);
  if (outcome === 'run') {
    describe(title, body);
  } else if (outcome === 'skip') {
    describe.skip(`${title} (skipped: ${missing}; set ${required}=1 to make this a failure)`, body);
  } else {
    describe(title, () => {
      it(`has what it needs (${required}=1)`, () => {
        throw new Error(`${missing} (${required}=1 requires it)`);
      });
    });
  }
}
