// Declares the shared filter flags on a command, with the same names and help everywhere
// (rejected list/retry/delete/export, logs list/tail). The logic is in src/workflows/filters.ts.
import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addRejectedFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--event <glob>', 'event name glob, e.g. "order.*" (repeatable, or comma-separated)').argParser(collect))
    .addOption(new Option('--since <time>', 'rejected at or after: ISO date/time or an age such as 2h, 7d'))
    .addOption(new Option('--until <time>', 'rejected at or before: ISO date/time or an age'))
    .addOption(new Option('--entity-id <id>', "the payload's id or order_id (repeatable, glob)").argParser(collect))
    .addOption(new Option('--status-code <code>', "the receiver's answer: 400, 4xx, 503 (repeatable)").argParser(collect))
    .addOption(new Option('--match <path=value>', 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)').argParser(collect));
}

export function addLogFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--since <time>', 'created at or after: ISO date/time or an age such as 2h, 7d'))
    .addOption(new Option('--until <time>', 'created at or before: ISO date/time or an age'))
    .addOption(new Option('--level <level>', 'info, warning or error (repeatable)').argParser(collect))
    .addOption(new Option('--event <glob>', 'event name glob (repeatable)').argParser(collect))
    .addOption(new Option('--status-code <code>', 'status code of the delivery: 400, 5xx (repeatable)').argParser(collect))
    .addOption(new Option('--grep <text>', 'message contains this text (case-insensitive)'));
}
