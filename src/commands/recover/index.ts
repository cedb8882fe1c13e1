import type { Command } from 'commander';

export function registerRecover(program: Command): void {
  void program;
}
