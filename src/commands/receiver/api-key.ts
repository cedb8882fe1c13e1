// The api key of `nsx receiver check` and `nsx sandbox receiver`: from a file, stdin or a named
// environment variable, never from a flag value (argv shows in `ps` and shell history), as
// `integrations register` takes it.
import { flag, value, type OptionValues } from '../define.js';
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
  // the same reader and messages as integrations register (loaded here, not with the declarations)
  const { refuseApiKeyValue, readApiKey } = await import('../integrations/register-request.js');
  refuseApiKeyValue(flags);
  return readApiKey(flags, output, env);
}
