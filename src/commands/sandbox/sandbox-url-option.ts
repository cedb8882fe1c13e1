import { value } from '../define.js';

/** --url of the verbs that talk to a running sandbox (emit, receiver-rule, reset). */
export const sandboxUrlOption = {
  url: value('--url <url>', 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'),
};
