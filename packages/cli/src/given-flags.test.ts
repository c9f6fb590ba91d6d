import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { givenFlags } from './given-flags.js';

function parsed(args: string[]): Command {
  const command = new Command('run')
    .option('--dataset <name>', 'dataset', 'ml-100k')
    .option('--models <list>', 'models', (v: string) => v.split(','))
    .option('--sizes <list>', 'sizes', (v: string) => v.split(',').map(Number))
    .option('--out <dir>', 'folder', 'results')
    .option('--quick', 'quick')
    .option('--no-eval', 'skip evaluation')
    .exitOverride();
  command.parse(args, { from: 'user' });
  return command;
}

describe('givenFlags', () => {
  it('writes back what was given, lists joined, defaults left out unless named', () => {
    const command = parsed(['--models', 'lstm,pooling', '--sizes', '1e4,1e5', '--quick', '--no-eval']);
    expect(givenFlags(command)).toBe(' --models lstm,pooling --sizes 10000,100000 --quick --no-eval');
    expect(givenFlags(command, ['dataset'])).toBe(
      ' --dataset ml-100k --models lstm,pooling --sizes 10000,100000 --quick --no-eval',
    );
  });

  it('quotes a value a shell would split', () => {
    expect(givenFlags(parsed(['--out', "my results's"]))).toBe(` --out 'my results'\\''s'`);
  });
});
