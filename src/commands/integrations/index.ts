import type { Command } from 'commander';

export function registerIntegrations(program: Command): void {
  void program;
}
