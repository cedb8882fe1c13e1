import type { Command } from 'commander';

export function registerStock(program: Command): void {
  void program;
}
