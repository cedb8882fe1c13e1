import { defineCommand } from '../define.js';

export const completion = defineCommand({
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  args: [{ name: '<shell>', description: 'bash, zsh or fish', choices: ['bash', 'zsh', 'fish'] }],
  help: `Install (then open a new shell):
  bash  (needs bash-completion for the best results)
    $ mkdir -p ~/.local/share/bash-completion/completions
    $ nsx completion bash > ~/.local/share/bash-completion/completions/nsx
    or add to ~/.bashrc:  source <(nsx completion bash)
  zsh
    $ mkdir -p ~/.zfunc && nsx completion zsh > ~/.zfunc/_nsx
    and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)
    or add to ~/.zshrc after compinit:  source <(nsx completion zsh)
  fish  (fish >= 3.5)
    $ mkdir -p ~/.config/fish/completions
    $ nsx completion fish > ~/.config/fish/completions/nsx.fish

The same scripts ship in the package's completions/ folder (nsx.bash, _nsx, nsx.fish).
Integration ids complete from the ids that nsx integrations list last saw for the profile on the line
(--profile or --sandbox; else NSX_PROFILE, else the current profile), cached per profile for a day and
read by the shell itself: no network on Tab. Run nsx integrations list to refresh them. --profile and
nsx config use complete the configured profile names.`,
  examples: [
    'nsx completion bash > ~/.local/share/bash-completion/completions/nsx',
    'nsx completion zsh > ~/.zfunc/_nsx',
    'nsx completion fish > ~/.config/fish/completions/nsx.fish',
  ],
  async run(ctx, args): Promise<void> {
    await (await import('./print.js')).run(ctx, args);
  },
});
