/**
 * Loaded by a command that validates one file and exits (cli/commands/index.ts): zod then checks objects with its
 * plain code instead of first compiling a validator per schema with new Function() — that pays off over many parses
 * (the server), not over one. Same results and messages. Takes effect for schemas built afterwards, so it is loaded
 * before the command's modules.
 */
import { config } from 'zod';

config({ jitless: true });
