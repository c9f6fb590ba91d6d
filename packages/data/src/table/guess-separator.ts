const CANDIDATES = [',', '\t', ';', '|'];

/**
 * The separator of a delimited file from its first line: the candidate (comma, tab, semicolon, pipe) that occurs
 * most often outside double quotes, or undefined when none occurs.
 */
export function guessSeparator(firstLine: string): string | undefined {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && CANDIDATES.includes(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (best === undefined ? 0 : counts.get(best)!)) best = candidate;
  }
  return best;
}
