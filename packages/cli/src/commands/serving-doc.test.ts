import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bloom } from '../test-support.js';
import { serve } from './serve.js';

// docs/serving.md's sample file and commands, run as written (file names made absolute in a temporary folder):
// the guide cannot drift from what the commands do.
const doc = readFileSync(fileURLToPath(new URL('../../../../docs/serving.md', import.meta.url)), 'utf8');
const blocks = (language: string) =>
  [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);

// Shell words of one command line: single or double quotes, no escapes (the guide uses none).
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('docs/serving.md', () => {
  it('trains, recommends and serves as the guide says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bloom-guide-'));
    const csv = blocks('csv');
    expect(csv).toHaveLength(1);
    // The guide's sample is the file the README's commands read.
    expect(csv[0]).toBe(
      readFileSync(fileURLToPath(new URL('../../../../docs/examples/events.csv', import.meta.url)), 'utf8'),
    );
    writeFileSync(join(dir, 'events.csv'), csv[0]!);
    const catalog = blocks('text');
    expect(catalog).toHaveLength(1);
    writeFileSync(join(dir, 'catalog.txt'), catalog[0]!);
    const local = (word: string) => (/^[\w-]+\.(csv|bloom|txt)$/.test(word) ? join(dir, word) : word);
    const commands = blocks('sh').flatMap((block) => block.trim().split('\n'));
    const bloomLines = commands.filter((line) => line.startsWith('npx bloom '));
    expect(bloomLines.map((line) => words(line)[2])).toEqual([
      'train',
      'recommend',
      'serve',
      'train',
      'recommend',
    ]);
    for (const line of bloomLines.slice(3)) {
      const { code, err, json } = await bloom(...words(line).slice(2).map(local));
      expect(code, `${line}\n${err}`).toBe(0);
      if (line.includes('recommend')) {
        // A user never seen, answered from its hashed id; the new item ranked beside the trained ones.
        const answer = json as { user: string; cold: boolean; items: { item: string }[] };
        expect(answer).toMatchObject({ user: 'u-new', cold: true });
        expect(answer.items.map((r) => r.item).sort()).toEqual(['SKU-2', 'SKU-4', 'SKU-5']);
      }
    }
    for (const line of bloomLines.slice(0, 2)) {
      const { code, err, json } = await bloom(...words(line).slice(2).map(local));
      expect(code, `${line}\n${err}`).toBe(0);
      if (line.includes('recommend')) {
        const answer = json as { user: string; items: { item: string }[] };
        expect(answer.user).toBe('u-1');
        // u-1 had SKU-1 and SKU-2; the other two come back.
        expect(answer.items.map((r) => r.item).sort()).toEqual(['SKU-3', 'SKU-4']);
      }
    }
    // bloom serve as written, but on a free port; then every curl line of the guide, through fetch.
    const args = words(bloomLines[2]!);
    let err = '';
    const signals = new EventEmitter();
    const running = serve(
      { model: local(args[args.indexOf('--model') + 1]!), port: 0, host: '127.0.0.1', backend: 'wasm' },
      {
        out: () => {},
        err: (text) => {
          err += text;
        },
      },
      signals,
    );
    while (!/on http/.test(err)) await new Promise((resolve) => setTimeout(resolve, 20));
    const address = /on (http:\/\/\S+)/.exec(err)![1]!;
    for (const line of commands.filter((l) => l.startsWith('curl '))) {
      const w = words(line);
      const url = w.find((x) => x.startsWith('http'))!.replace('http://127.0.0.1:8080', address);
      const body = w.includes('-d') ? w[w.indexOf('-d') + 1] : undefined;
      const response = await fetch(url, {
        method: w.includes('-X') ? w[w.indexOf('-X') + 1] : 'GET',
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      });
      expect(response.status, line).toBe(200);
    }
    signals.emit('SIGTERM');
    await running;
  }, 60_000);
});
