import type { Command } from 'commander';

export function registerLogs(program: Command): void {
  void program;
}
