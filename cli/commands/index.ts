/** Every subcommand, in the order `redsite --help` lists them. */
import type { Command } from 'commander';
import { registerRubric } from './rubric';

export type Register = (program: Command) => void;

export const commands: Register[] = [registerRubric];
