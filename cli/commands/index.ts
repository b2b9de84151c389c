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
  /**
   * The command reads one file, prints and exits (a few tens of milliseconds of work): its validators are not
   * compiled first (./jitless), and bin/redsite.js stops V8 optimizing (see oneShot).
   */
  oneShot?: boolean;
}

// Plain require() calls with literal paths: tsc keeps them lazy in dist/, and the bundler (scripts/build-cli.js)
// includes each module but runs it only when its command is needed.
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMAND_MODULES: CommandModule[] = [
  { names: ['rubric'], load: () => (require('./rubric') as typeof Rubric).registerRubric },
  { names: ['template'], load: () => (require('./template') as typeof Template).registerTemplate },
  { names: ['score'], load: () => (require('./score') as typeof Score).registerScore, oneShot: true },
  { names: ['merge', 'import'], load: () => (require('./merge') as typeof Merge).registerMerge },
  { names: ['serve', 'certs', 'user'], load: () => (require('./serve') as typeof Serve).registerServe },
  { names: ['manifest'], load: () => (require('./manifest') as typeof Manifest).registerManifest },
  { names: ['backup', 'restore'], load: () => (require('./backup') as typeof Backup).registerBackup },
  { names: ['showcase'], load: () => (require('./showcase') as typeof Showcase).registerShowcase },
  { names: ['annotate'], load: () => (require('./annotate') as typeof Annotate).registerAnnotate },
  { names: ['roster'], load: () => (require('./roster') as typeof Roster).registerRoster },
];
/* eslint-enable @typescript-eslint/no-require-imports */

const named = (argv: readonly string[]) => COMMAND_MODULES.find((m) => argv[2] !== undefined && m.names.includes(argv[2]));

/**
 * Whether the command line names a one-shot command (`redsite score x.xlsx`). For such a run, bin/redsite.js turns
 * V8's optimizing compiler off: TurboFan spent ~100 ms of CPU per `score` on the XML tokenizer's functions, on the
 * other core, for code ready only when the file had been read, and the process waited for it at exit (10–25 ms).
 */
export function oneShot(argv: readonly string[]): boolean {
  return named(argv)?.oneShot === true;
}

/**
 * The commands a command line needs: the one it names; none for the version; all of them otherwise (help, or an
 * unknown command, which commander answers with the list).
 */
export function commandsFor(argv: readonly string[]): Register[] {
  const first = argv[2];
  const command = named(argv);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (command?.oneShot) require('./jitless');
  if (command) return [command.load()];
  if (argv.length === 3 && (first === '-V' || first === '--version')) return [];
  return COMMAND_MODULES.map((m) => m.load());
}
