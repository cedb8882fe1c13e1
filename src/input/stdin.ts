// Reading what was piped to nsx (a secret, an input file given as "-"), from the running command's stdin.
import { UsageError } from '../errors.js';
import { currentIO } from '../io.js';

export async function readAllStdin(): Promise<string> {
  const io = currentIO();
  if (io.isTTY.stdin) throw new UsageError('expected input on stdin, but stdin is a terminal (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
