/** `redsite manifest --origin https://host:port`: writes the add-in manifest for a deployment. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildManifest, DEFAULT_ORIGIN, ManifestOriginError } from '../../server/manifest';
import { EXIT, refuseOutFile } from '../files';

export function registerManifest(program: Command): void {
  program
    .command('manifest')
    .description('生成加载项清单 manifest.xml（指向部署服务器的 https 地址）')
    .option('--origin <url>', '服务器地址，如 https://redsite.example.cn:3000', DEFAULT_ORIGIN)
    .option('-o, --out <file>', '输出文件（默认输出到屏幕）')
    .action((opts: { origin: string; out?: string }) => {
      if (refuseOutFile(opts.out)) return;
      let xml: string;
      try {
        xml = buildManifest(opts.origin);
      } catch (e) {
        if (e instanceof ManifestOriginError) {
          console.error(`错误：${e.message}`);
          process.exitCode = EXIT.failed;
          return;
        }
        throw e;
      }
      if (opts.out) {
        fs.writeFileSync(path.resolve(opts.out), xml);
        console.log(`已生成加载项清单：${path.resolve(opts.out)}（${opts.origin}）`);
      } else process.stdout.write(xml);
    });
}
