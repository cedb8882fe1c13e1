// Reading what was piped to nsx (a secret, an input file given as "-").
import { UsageError } from '../errors.js';

export async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('expected input on stdin, but stdin is a terminal (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
