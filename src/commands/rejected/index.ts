import type { Command } from 'commander';

export function registerRejected(program: Command): void {
  void program;
}
