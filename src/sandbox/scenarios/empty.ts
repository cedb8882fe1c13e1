import type { Scenario } from './types.js';

/** A tenant with nothing in it: no integrations, no events, no stock. */
export const empty: Scenario = {
  description: 'no integrations, no events, no stock',
  receiverRule: 'accept-all',
  build() {
    // nothing
  },
};
