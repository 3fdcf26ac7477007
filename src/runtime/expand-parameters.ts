// Expands the templates of one step's parameters when it starts. Values substituted into a shell
// step's `command` or `args` are quoted for that shell, so they stay data.
import type { Step } from '../mission/model.js';
import {
  expandTemplates,
  quoteCmd,
  quoteFish,
  quotePosix,
  quotePowerShell,
  type Expansion,
} from '../plan/templates.js';
import { templateResolver, type TemplateSources } from './template-values.js';

const SHELL_PARAMS = /^(command|args(\[\d+\])?)$/;

/** How a value is quoted for the shell a command step asks for; identity without one. */
const quoterFor = (
  shell: unknown,
  env: Readonly<Record<string, string>>,
): ((s: string, path: string) => string) => {
  if (shell !== true && typeof shell !== 'string') return (s) => s;
  // `shell: true` means cmd.exe where Windows' ComSpec is set, /bin/sh elsewhere.
  const name = (shell === true ? (env.ComSpec ?? env.COMSPEC ?? 'sh') : shell).toLowerCase();
  const quote = /(^|[\\/])cmd(\.exe)?$/.test(name)
    ? quoteCmd
    : /(^|[\\/])(pwsh|powershell)(\.exe)?$/.test(name)
      ? quotePowerShell
      : /(^|[\\/])fish$/.test(name)
        ? quoteFish
        : quotePosix;
  return (s, path) => (SHELL_PARAMS.test(path) ? quote(s) : s);
};

/**
 * The step's parameters with every template replaced, or the first reference that has no value.
 * With `rustChain` (the RustChain variables), `{name}` is replaced too, in the same single pass.
 */
export const expandStepParameters = (
  step: Step,
  sources: TemplateSources,
  rustChain?: Readonly<Record<string, string>>,
): Expansion => {
  const quote =
    step.step_type === 'command' ? quoterFor(step.parameters.shell, sources.env) : (s: string) => s;
  return expandTemplates(step.parameters, templateResolver(sources), quote, rustChain);
};
