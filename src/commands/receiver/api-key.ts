// The api key of `nsx receiver check` and `nsx sandbox receiver`: from a file, stdin or a named
// environment variable, never from a flag value (argv shows in `ps` and shell history), as
// `integrations register` takes it.
import { flag, value, type OptionValues } from '../define.js';
import { UsageError } from '../../errors.js';
import type { Output } from '../../output/output.js';

export const apiKeyOptions = {
  apiKeyFile: value('--api-key-file <path>', 'read the api key (sent as "Authorization: Bearer") from this file'),
  apiKeyStdin: flag('--api-key-stdin', 'read the api key from stdin'),
  apiKeyEnv: value('--api-key-env <name>', 'read the api key from the environment variable NAME'),
  // refused: present only to answer with a clear message
  apiKey: value('--api-key <value>', undefined, { hidden: true }),
};

export type ApiKeyFlags = OptionValues<typeof apiKeyOptions>;

/** The key, registered with the output as a secret; undefined when no flag gives one. UsageError for a bad source. */
export async function readApiKeyFlags(flags: ApiKeyFlags, output: Output, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (flags.apiKey !== undefined) {
    throw new UsageError('--api-key takes no value on the command line (it would show in ps and shell history): use --api-key-file, --api-key-stdin or --api-key-env NAME');
  }
  const sources = [flags.apiKeyFile !== undefined, Boolean(flags.apiKeyStdin), flags.apiKeyEnv !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError('give the api key one way: --api-key-file, --api-key-stdin or --api-key-env');
  let key: string | undefined;
  if (flags.apiKeyFile !== undefined) {
    const { readSecretFile } = await import('../integrations/register-request.js');
    key = readSecretFile(flags.apiKeyFile, '--api-key-file', output);
  } else if (flags.apiKeyEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.apiKeyEnv)) throw new UsageError('--api-key-env takes the NAME of an environment variable (e.g. ERP_API_KEY), not the key itself');
    key = env[flags.apiKeyEnv]?.trim();
    if (!key) throw new UsageError(`--api-key-env: the environment variable ${flags.apiKeyEnv} is not set or empty`);
  } else if (flags.apiKeyStdin) {
    const { readAllStdin } = await import('../../input/stdin.js');
    key = (await readAllStdin()).trim();
    if (!key) throw new UsageError('--api-key-stdin: nothing was piped in');
  }
  if (key !== undefined && /\s/.test(key)) throw new UsageError('the api key contains white space or several lines: one key, one line');
  output.addSecret(key);
  return key;
}
