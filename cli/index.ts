/**
 * The `redsite` command. Subcommands register themselves from modules in cli/commands/ (one per command or per
 * family: merge + import, serve + certs + user, backup + restore), loaded only when the command line needs them
 * (cli/commands/index.ts); help texts are Chinese, command and option names English.
 */
import { Command } from 'commander';
import { commandsFor } from './commands';
import { version } from './version';

export { oneShot } from './commands';

const TITLES: Record<string, string> = { 'Usage:': '用法：', 'Options:': '选项：', 'Commands:': '命令：', 'Arguments:': '参数：' };

/** The program with the commands `argv` needs (all of them by default). */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('redsite')
    .description('“红色工地”创建申报工具：生成申报工作簿、评分、汇总，并运行同步服务')
    .version(version(), '-V, --version', '显示版本号')
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [command]', '显示某个命令的帮助')
    .configureHelp({ styleTitle: (title) => TITLES[title] ?? title, sortSubcommands: false })
    .showHelpAfterError('（运行 redsite --help 查看用法）')
    .configureOutput({ outputError: (str, write) => write(translateCommanderError(str)) });
  for (const register of commandsFor(argv)) register(program);
  return program;
}

/** commander's own parse errors are English; the common ones are translated so users see Chinese. */
function translateCommanderError(text: string): string {
  return text
    .replace(/^error: unknown command '(.*)'/m, '错误：未知命令 “$1”')
    .replace(/^error: unknown option '(.*)'/m, '错误：未知选项 “$1”')
    .replace(/^error: missing required argument '(.*)'/m, '错误：缺少参数 “$1”')
    .replace(/^error: option '(.*)' argument missing/m, '错误：选项 “$1” 缺少取值')
    .replace(/^error: too many arguments.*/m, '错误：参数过多');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv);
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  await program.parseAsync(argv);
}
