/** The package version, read from package.json at run time (works from the sources and from dist/). */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
