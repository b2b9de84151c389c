/**
 * The `redsite` command. Subcommands register themselves from modules in cli/commands/ (one per command or per
 * family: merge + import, serve + certs + user, backup + restore), loaded only when the command line needs them
 * (cli/commands/index.ts); help texts are Chinese, command and option names English.
 */
import { Command, type Option, type Argument } from 'commander';
import { commandsFor } from './commands';
import { version } from './version';
import { errorMessage } from './errors';
import { dataDirProblem, MAY_CREATE_DATA } from './data-dir';
import { EXIT } from './files';

export { oneShot } from './commands';

const TITLES: Record<string, string> = { 'Usage:': '用法：', 'Options:': '选项：', 'Commands:': '命令：', 'Arguments:': '参数：' };

/** The program with the commands `argv` needs (all of them by default). */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('redsite')
    .description('“红色工地”创建申报工具：生成申报工作簿、评分、汇总，并运行同步服务')
    .version(version(), '-V, --version', '显示版本号')
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [command]', '显示某个命令的帮助')
    .configureHelp({ styleTitle: (title) => TITLES[title] ?? title, sortSubcommands: false, optionDescription, argumentDescription })
    .showHelpAfterError('（运行 redsite --help 查看用法）')
    .configureOutput({ outputError: (str, write) => write(translateCommanderError(str)) })
    .hook('preAction', (_program, command) => checkDataOption(command));
  for (const register of commandsFor(argv)) register(program);
  localizeErrors(program, 'redsite');
  return program;
}

/**
 * A parse error of a subcommand points at that command's own help (`redsite backup --help`, where its arguments and
 * options are listed), and names a missing argument by what it is (“备份文件”), not by its English placeholder.
 */
function localizeErrors(command: Command, path: string): void {
  command.showHelpAfterError(`（运行 ${path} --help 查看用法）`);
  command.configureOutput({ outputError: (str, write) => write(translateCommanderError(str, command)) });
  for (const sub of command.commands) localizeErrors(sub, `${path} ${sub.name()}`);
}

/**
 * A command with --data works on the server's data folder: unless it is one that may create it (serve, certs,
 * restore), the folder must already hold a database (cli/data-dir.ts). Checked before the command runs, so no
 * command opens (and thereby creates) a database in the wrong folder.
 */
function checkDataOption(command: Command): void {
  const data = (command.opts() as { data?: unknown }).data;
  if (typeof data !== 'string') return;
  const problem = dataDirProblem(data, !MAY_CREATE_DATA.has(command.name()));
  if (problem) throw new Error(problem);
}

/** A default shown in help: a value, or for a switch only when it is on. */
function defaultNote(value: unknown, description: string | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return '默认开启';
  return `默认：${description ?? (typeof value === 'string' ? value : JSON.stringify(value))}`;
}

function withNotes(description: string, notes: Array<string | undefined>): string {
  const shown = notes.filter((n): n is string => n !== undefined);
  return shown.length ? `${description}（${shown.join('；')}）` : description;
}

/** commander's “(default: …)” and “(choices: …)” in Chinese. */
function optionDescription(option: Option): string {
  const showsDefault = option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean');
  return withNotes(option.description, [
    option.argChoices ? `可选：${option.argChoices.join('、')}` : undefined,
    showsDefault ? defaultNote(option.defaultValue, option.defaultValueDescription) : undefined,
    option.envVar ? `环境变量 ${option.envVar}` : undefined,
  ]);
}

function argumentDescription(argument: Argument): string {
  return withNotes(argument.description, [
    argument.argChoices ? `可选：${argument.argChoices.join('、')}` : undefined,
    defaultNote(argument.defaultValue, argument.defaultValueDescription),
  ]);
}

/** commander's own parse errors are English; the common ones are translated so users see Chinese. */
function translateCommanderError(text: string, command?: Command): string {
  const described = (name: string) => {
    const argument = command?.registeredArguments.find((a) => a.name() === name);
    return argument?.description ? `${argument.description}（<${name}>）` : `“${name}”`;
  };
  return text
    .replace(/^error: unknown command '(.*)'/m, '错误：未知命令 “$1”')
    .replace(/^error: unknown option '(.*)'/m, '错误：未知选项 “$1”')
    .replace(/^error: missing required argument '(.*)'/m, (_all, name: string) => `错误：缺少参数：${described(name)}`)
    .replace(/^error: option '(.*)' argument missing/m, '错误：选项 “$1” 缺少取值')
    .replace(/^error: required option '(.*)' not specified/m, '错误：缺少必填选项 “$1”')
    .replace(/^error: option '(.*)' argument '(.*)' is invalid\.?/m, '错误：选项 “$1” 的取值 “$2” 无效')
    .replace(/^error: option '(.*)' cannot be used with option '(.*)'/m, '错误：选项 “$1” 不能与 “$2” 同时使用')
    .replace(/^error: too many arguments.*/m, '错误：参数过多')
    .replace(/^\(Did you mean (.*)\?\)/m, '（是不是要用 $1？）');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv);
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    // Whatever a command throws is shown as one Chinese line (file errors name the path: cli/errors.ts), not a stack.
    console.error(`错误：${errorMessage(e)}`);
    process.exitCode = EXIT.failed;
  }
}
