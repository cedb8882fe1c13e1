// Shell completion as users meet it: the checked-in scripts match the command tree, `nsx completion`
// prints them, and real bash (with and without bash-completion), zsh and fish complete commands,
// options, choices and integration ids from the id cache (ignored when older than a day) on Tab.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { COMPLETION_FILES, describeCommand, SHELLS, staleCompletionFiles, type CommandSpec } from '../../src/commands/completion/generate.js';
import { ROOT, runNsx } from '../helpers/cli.js';
import { shellQuote, startTmux, TMUX, which, type TmuxSession } from '../helpers/tmux.js';

const IDS = ['erp-orders', 'wms-fulfillment', 's3-archive'];
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

describe('checked-in completion scripts', () => {
  it('are what the command tree generates now (regenerate: npm run completions)', () => {
    expect(staleCompletionFiles(buildProgram()), 'stale files under completions/: run npm run completions').toEqual([]);
  });

  it('integration ids complete where an existing integration is named, not where a new id is chosen', () => {
    const root = describeCommand(buildProgram());
    const at = (path: string): CommandSpec | undefined => {
      let spec: CommandSpec | undefined = root;
      for (const name of path.split(' ')) spec = spec?.subcommands.find((s) => s.name === name);
      return spec;
    };
    const withIds = ['integrations get', 'integrations update', 'integrations start', 'integrations stop', 'integrations delete', 'logs list', 'logs tail', 'rejected list', 'rejected show', 'rejected retry', 'rejected delete', 'rejected export', 'recover'];
    for (const path of withIds) expect(at(path)?.args[0]?.value, path).toEqual({ kind: 'ids' });
    expect(at('integrations register')?.args[0]?.value).toEqual({ kind: 'none' });
    expect(at('stock fail')?.args[0]?.value).toEqual({ kind: 'none' }); // import ids are not cached
    expect(at('completion')?.args[0]?.value).toEqual({ kind: 'choices', choices: ['bash', 'zsh', 'fish'] });
    expect(at('config use')?.args[0]?.value).toEqual({ kind: 'profiles' });
    expect(root.options.find((o) => o.flags.includes('--profile'))?.value).toEqual({ kind: 'profiles' });
  });

  it('nsx completion <shell> prints exactly the checked-in script; an unknown shell is exit 2', async () => {
    for (const shell of SHELLS) {
      const r = await runNsx(['completion', shell]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(ROOT, COMPLETION_FILES[shell]), 'utf8'));
    }
    const bad = await runNsx(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/bash, zsh, fish/);
  });
});

// ---- real shells ------------------------------------------------------------------------------------

interface ShellSetup {
  name: string;
  /** Why the shell cannot be tested here, or undefined when it can. */
  missing: string | undefined;
  /** The command line that starts it interactively with the checked-in script loaded. */
  command(home: string): string;
  /** Keys that show the list of candidates (bash needs a second Tab when there are several). */
  listKeys: string[];
}

let home: string;
let cacheFile: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'nsx-completion-'));
  mkdirSync(join(home, 'cache', 'integration-ids.d'), { recursive: true });
  // No current-profile file: the ids of the default profile complete.
  cacheFile = join(home, 'cache', 'integration-ids.d', 'default');
  // zsh: an fpath folder with _nsx and a .zshrc that runs compinit (no new-user wizard).
  mkdirSync(join(home, 'zfunc'));
  writeFileSync(join(home, 'zfunc', '_nsx'), readFileSync(join(ROOT, COMPLETION_FILES.zsh)));
  writeFileSync(join(home, '.zshrc'), `PS1='%% '\nfpath=(${home}/zfunc $fpath)\nautoload -Uz compinit && compinit -u -D\n`);
  writeFileSync(join(home, 'with-bash-completion.rc'), `PS1='$ '\nsource ${BASH_COMPLETION}\nsource ${join(ROOT, COMPLETION_FILES.bash)}\n`);
  writeFileSync(join(home, 'plain.rc'), `PS1='$ '\nsource ${join(ROOT, COMPLETION_FILES.bash)}\n`);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const missingReason = (program: string): string | undefined =>
  !TMUX ? 'tmux is not installed' : !which(program) ? `${program} is not installed (apt-get install -y ${program})` : undefined;

const SETUPS: ShellSetup[] = [
  {
    name: 'bash with bash-completion',
    missing: missingReason('bash') ?? (existsSync(BASH_COMPLETION) ? undefined : 'bash-completion is not installed (apt-get install -y bash-completion)'),
    command: (h) => `bash --noprofile --rcfile ${shellQuote(join(h, 'with-bash-completion.rc'))} -i`,
    listKeys: ['Tab', 'Tab'],
  },
  {
    name: 'bash without bash-completion',
    missing: missingReason('bash'),
    command: (h) => `bash --noprofile --rcfile ${shellQuote(join(h, 'plain.rc'))} -i`,
    listKeys: ['Tab', 'Tab'],
  },
  {
    name: 'zsh',
    missing: missingReason('zsh'),
    command: () => 'zsh -i',
    listKeys: ['Tab'],
  },
  {
    name: 'fish',
    missing: missingReason('fish'),
    command: () =>
      `fish --no-config -C ${shellQuote(`source ${join(ROOT, COMPLETION_FILES.fish)}; function fish_prompt; echo '> '; end`)}`,
    listKeys: ['Tab'],
  },
];

for (const setup of SETUPS) {
  describe.skipIf(setup.missing !== undefined)(`completion in ${setup.name}${setup.missing ? ` (skipped: ${setup.missing})` : ''}`, () => {
    // One shell per setup, reused: between completions the line is cancelled and the screen cleared, so
    // each completion starts at a bare prompt (a fresh shell per completion costs most of this file's time).
    let term: TmuxSession | undefined;
    const PROMPT_ONLY = /^[$%>]$/;
    const open = async (): Promise<TmuxSession> => {
      if (term) {
        term.keys('C-c');
        term.keys('C-l');
        try {
          await term.waitFor(PROMPT_ONLY, 5_000);
          return term;
        } catch {
          close(); // a shell that does not come back to a bare prompt is replaced
        }
      }
      term = startTmux(setup.command(home), {
        HOME: home,
        ZDOTDIR: home,
        TERM: 'xterm',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NSX_CACHE_DIR: join(home, 'cache'),
      });
      try {
        await term.waitFor(/^[$%>]\s*$/m);
        term.keys('C-l');
        await term.waitFor(PROMPT_ONLY);
      } catch (error) {
        close();
        throw error;
      }
      return term;
    };
    const close = () => {
      term?.close();
      term = undefined;
    };
    afterAll(close);
    /**
     * Types, presses keys, then waits for `until`; without it, types a marker: once the marker shows, the
     * shell has finished completing (fish closes its candidate list on typing, so lists use `until`).
     */
    const complete = async (text: string, keys: string[], until?: RegExp): Promise<string> => {
      const t = await open();
      try {
        t.type(text);
        t.keys(...keys);
        if (until) return await t.waitFor(until);
        t.type('#MARK');
        return await t.waitFor('#MARK');
      } catch (error) {
        close();
        throw error;
      }
    };
    const freshCache = () => {
      writeFileSync(cacheFile, `${IDS.join('\n')}\n`);
    };

    it('completes a command: nsx integ<Tab> -> nsx integrations', async () => {
      const screen = await complete('nsx integ', ['Tab']);
      expect(screen).toMatch(/nsx integrations #MARK/);
    });

    it('lists the integration ids from the cache file: nsx integrations get <Tab>', async () => {
      freshCache();
      const allIds = new RegExp(IDS.map((id) => `(?=[\\s\\S]*${id})`).join(''));
      const screen = await complete('nsx integrations get ', setup.listKeys, allIds);
      for (const id of IDS) expect(screen).toContain(id);
    });

    it('completes a unique id prefix, also behind an alias and an option value', async () => {
      freshCache();
      const screen = await complete('nsx rejected ls --event order.created w', ['Tab']);
      expect(screen).toMatch(/nsx rejected ls --event order\.created wms-fulfillment #MARK/);
    });

    it('inserts cached ids as text: hostile words in the cache run nothing and are not offered', async () => {
      const pwned = ['sub', 'tick', 'semi', 'var'].map((n) => join(home, `pwned-${setup.name.replace(/\W+/g, '-')}-${n}`));
      const hostile = [`evil-$(touch ${pwned[0]})`, `evil-\`touch ${pwned[1]}\``, `evil;touch ${pwned[2]}`, `evil-\${HOME}x`, `e$(touch ${pwned[3]})`, 'evil\tdesc', 'erp-orders'];
      writeFileSync(cacheFile, `${hostile.join('\n')}\n`);
      // "e" is a prefix of every hostile word and of erp-orders: only erp-orders is a candidate, so it completes.
      const screen = await complete('nsx recover e', ['Tab']);
      expect(screen).toMatch(/nsx recover erp-orders #MARK/);
      for (const file of pwned) expect(existsSync(file), `${file} was created: code ran on Tab`).toBe(false);
      const listed = await complete('nsx integrations get ', setup.listKeys, /erp-orders/);
      expect(listed).not.toMatch(/evil/);
      for (const file of pwned) expect(existsSync(file), `${file} was created: code ran on Tab`).toBe(false);
    });

    it('completes an id after integrations update and its flags: nsx integrations update --yes e<Tab>', async () => {
      freshCache();
      const screen = await complete('nsx integrations update --yes e', ['Tab']);
      expect(screen).toMatch(/nsx integrations update --yes erp-orders #MARK/);
    });

    it('ignores an id cache older than a day', async () => {
      freshCache();
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      utimesSync(cacheFile, twoDaysAgo, twoDaysAgo);
      // "e" would complete to erp-orders from a fresh cache.
      const screen = await complete('nsx integrations get e', ['Tab']);
      expect(screen).toMatch(/nsx integrations get e#MARK/);
      expect(screen).not.toContain('erp-orders');
    });

    const cache = (name: string, lines: string[]) => writeFileSync(join(home, 'cache', name), `${lines.join('\n')}\n`);
    const profileFiles = () => {
      cache('profile-names', ['acme-prod', 'acme-staging', 'sandbox']);
      rmSync(join(home, 'cache', 'current-profile'), { force: true });
    };

    it('completes profile names after --profile, config use and auth login --profile', async () => {
      profileFiles();
      expect(await complete('nsx --profile acme-p', ['Tab'])).toMatch(/nsx --profile acme-prod #MARK/);
      expect(await complete('nsx config use acme-s', ['Tab'])).toMatch(/nsx config use acme-staging #MARK/);
      expect(await complete('nsx auth login --profile sa', ['Tab'])).toMatch(/nsx auth login --profile sandbox #MARK/);
      const listed = await complete('nsx auth status --profile ', setup.listKeys, /(?=[\s\S]*acme-prod)(?=[\s\S]*acme-staging)(?=[\s\S]*sandbox)/);
      for (const name of ['acme-prod', 'acme-staging', 'sandbox']) expect(listed).toContain(name);
    });

    it('inserts profile names as text: a hostile name in the names file runs nothing and is not offered', async () => {
      const pwned = join(home, `pwned-profile-${setup.name.replace(/\W+/g, '-')}`);
      cache('profile-names', [`acme-$(touch ${pwned})`, `acme-\`touch ${pwned}\``, 'acme-prod']);
      expect(await complete('nsx --profile ac', ['Tab'])).toMatch(/nsx --profile acme-prod #MARK/);
      expect(existsSync(pwned), 'code ran on Tab').toBe(false);
    });

    it("completes the ids of the line's profile (--profile, --profile=, --sandbox), else of the current one", async () => {
      profileFiles();
      freshCache();
      cache('integration-ids.d/acme-prod', ['prod-orders']);
      cache('integration-ids.d/@sandbox', ['sandbox-orders']);
      expect(await complete('nsx --profile acme-prod recover prod', ['Tab'])).toMatch(/nsx --profile acme-prod recover prod-orders #MARK/);
      expect(await complete('nsx --profile=acme-prod logs list prod', ['Tab'])).toMatch(/logs list prod-orders #MARK/);
      expect(await complete('nsx --sandbox recover sand', ['Tab'])).toMatch(/nsx --sandbox recover sandbox-orders #MARK/);
      // The default profile's cache has no id like prod (fish would match a substring too).
      expect(await complete('nsx recover prod', ['Tab'])).toMatch(/nsx recover prod#MARK/);
      expect(await complete('nsx recover e', ['Tab'])).toMatch(/nsx recover erp-orders #MARK/);
      // The current profile nsx wrote down (config use) is the default for the ids.
      cache('current-profile', ['acme-prod']);
      expect(await complete('nsx recover prod', ['Tab'])).toMatch(/nsx recover prod-orders #MARK/);
      rmSync(join(home, 'cache', 'current-profile'));
    });

    it('completes an option: nsx rejected retry erp-orders --dry<Tab> -> --dry-run', async () => {
      const screen = await complete('nsx rejected retry erp-orders --dry', ['Tab']);
      expect(screen).toMatch(/--dry-run #MARK/);
    });

    it("completes an option's choices: nsx -o nd<Tab> -> ndjson", async () => {
      const screen = await complete('nsx -o nd', ['Tab']);
      expect(screen).toMatch(/nsx -o ndjson #MARK/);
    });
  });
}
