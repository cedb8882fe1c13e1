// Every command's --help, as users read it at 80 columns, is pinned in test/fixtures/help.txt: the help is
// rendered from the verb declarations (src/commands/define.ts), and a change to a text, a flag or the
// rendering shows here. After a deliberate change: npx vitest run test/commands/help.test.ts -u
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, HELP_WIDTH } from '../../src/cli.js';

function allHelp(): string {
  const program = buildProgram();
  let text = '';
  const visit = (cmd: Command, path: string[]): void => {
    text += `===== nsx ${path.join(' ')}`.trimEnd() + '\n';
    cmd.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => HELP_WIDTH });
    cmd.outputHelp();
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return text;
}

describe('help', () => {
  it('of every command is the pinned text (test/fixtures/help.txt)', async () => {
    await expect(allHelp()).toMatchFileSnapshot('../fixtures/help.txt');
  });
});
