/** Every subcommand, in the order `redsite --help` lists them. */
import type { Command } from 'commander';
import { registerRubric } from './rubric';
import { registerTemplate } from './template';
import { registerScore } from './score';
import { registerMerge } from './merge';
import { registerServe } from './serve';
import { registerManifest } from './manifest';
import { registerBackup } from './backup';
import { registerShowcase } from './showcase';
import { registerAnnotate } from './annotate';
import { registerRoster } from './roster';

export type Register = (program: Command) => void;

export const commands: Register[] = [registerRubric, registerTemplate, registerScore, registerMerge, registerServe, registerManifest, registerBackup, registerShowcase, registerAnnotate, registerRoster];
