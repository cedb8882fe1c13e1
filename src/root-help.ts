// Build step: writes dist/root-help.txt (see renderRootHelp in cli.ts). Run as `node dist/root-help.js`.
import { writeFileSync } from 'node:fs';
import { renderRootHelp } from './cli.js';

writeFileSync(new URL('./root-help.txt', import.meta.url), renderRootHelp());
