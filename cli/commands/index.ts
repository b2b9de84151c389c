/**
 * Every subcommand, in the order `redsite --help` lists them. A command module is loaded only when it is needed:
 * `redsite score x.xlsx` loads the score command alone (not exceljs, not the server), help loads them all.
 */
import type { Command } from 'commander';
import type * as Rubric from './rubric';
import type * as Template from './template';
import type * as Score from './score';
import type * as Merge from './merge';
import type * as Serve from './serve';
import type * as Manifest from './manifest';
import type * as Backup from './backup';
import type * as Showcase from './showcase';
import type * as Annotate from './annotate';
import type * as Roster from './roster';

export type Register = (program: Command) => void;

interface CommandModule {
  /** The top-level command names the module registers. */
  names: string[];
  load: () => Register;
}

// Plain require() calls with literal paths: tsc keeps them lazy in dist/, and the bundler (scripts/build-cli.js)
// includes each module but runs it only when its command is needed. `score` reads one file and exits: its
// validators are not compiled first (./jitless).
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMAND_MODULES: CommandModule[] = [
  { names: ['rubric'], load: () => (require('./rubric') as typeof Rubric).registerRubric },
  { names: ['template'], load: () => (require('./template') as typeof Template).registerTemplate },
  { names: ['score'], load: () => (require('./jitless'), (require('./score') as typeof Score).registerScore) },
  { names: ['merge', 'import'], load: () => (require('./merge') as typeof Merge).registerMerge },
  { names: ['serve', 'certs', 'user'], load: () => (require('./serve') as typeof Serve).registerServe },
  { names: ['manifest'], load: () => (require('./manifest') as typeof Manifest).registerManifest },
  { names: ['backup', 'restore'], load: () => (require('./backup') as typeof Backup).registerBackup },
  { names: ['showcase'], load: () => (require('./showcase') as typeof Showcase).registerShowcase },
  { names: ['annotate'], load: () => (require('./annotate') as typeof Annotate).registerAnnotate },
  { names: ['roster'], load: () => (require('./roster') as typeof Roster).registerRoster },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The commands a command line needs: the one it names; none for the version; all of them otherwise (help, or an
 * unknown command, which commander answers with the list).
 */
export function commandsFor(argv: readonly string[]): Register[] {
  const first = argv[2];
  const named = COMMAND_MODULES.find((m) => first !== undefined && m.names.includes(first));
  if (named) return [named.load()];
  if (argv.length === 3 && (first === '-V' || first === '--version')) return [];
  return COMMAND_MODULES.map((m) => m.load());
}
