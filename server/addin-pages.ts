/**
 * The task pane's HTML pages with the Office.js source chosen at start-up, and the Content Security Policy those
 * pages need. Microsoft requires add-ins to load Office.js from its CDN (the default); intranets that cannot reach
 * the CDN, and the tests (no network), start the server with REDSITE_OFFICE_JS=local to use the copy of the
 * @microsoft/office-js package served at /office-js/.
 */
import { Router } from 'express';
import helmet from 'helmet';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

export type OfficeJsSource = 'cdn' | 'local';

export const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';
export const OFFICE_JS_LOCAL = '/office-js/office.js';
/** Office.js frames Microsoft's telemetry page three seconds after it loads, hidden by style="display:none". */
export const OFFICE_TELEMETRY = 'https://telemetryservice.firstpartyapps.oaspapps.com';
const DISPLAY_NONE_HASH = "'sha256-aqNNdDLnnrDOnTNdkJpYlAxKVJtLt9CtFLklmInuUAE='";

export function officeJsSource(value: string | undefined): OfficeJsSource {
  return value === 'local' ? 'local' : 'cdn';
}

const PAGES = ['taskpane.html', 'commands.html'];

export function addinPages(source: OfficeJsSource, frameAncestors: string[]): Router {
  const r = Router();
  const csp = helmet.contentSecurityPolicy({
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", ...(source === 'cdn' ? ['https://appsforoffice.microsoft.com'] : [])],
      styleSrc: ["'self'", "'unsafe-hashes'", DISPLAY_NONE_HASH],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      frameSrc: ["'self'", OFFICE_TELEMETRY],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors,
      upgradeInsecureRequests: null,
    },
  });
  const dir = path.join(projectRoot(), 'addin', 'static');
  const html = new Map(PAGES.map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8').replaceAll(OFFICE_JS_CDN, source === 'local' ? OFFICE_JS_LOCAL : OFFICE_JS_CDN)]));
  for (const name of PAGES) {
    r.get(`/addin/${name}`, csp, (_req, res) => {
      res.type('html').setHeader('Cache-Control', 'no-cache');
      res.send(html.get(name));
    });
  }
  return r;
}
