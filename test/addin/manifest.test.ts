/**
 * manifest.xml checked offline (office-addin-manifest's validator needs the network): it is well-formed (xmllint),
 * parses with office-addin-manifest's reader, has the required elements in schema order, a stable ID, and every URL
 * is https on the configured origin and really served by our server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { buildManifest, ADDIN_ID, DEFAULT_ORIGIN, checkOrigin } from '../../server/manifest';
import { testServer, type TestServer } from '../helpers/server';

const root = path.join(__dirname, '..', '..');
const repoManifest = path.join(root, 'manifest.xml');

test('the repository manifest is the generated one for https://localhost:3000', () => {
  expect(fs.readFileSync(repoManifest, 'utf8')).toBe(buildManifest(DEFAULT_ORIGIN));
});

test('well-formed XML (xmllint)', () => {
  expect(() => execFileSync('xmllint', ['--noout', repoManifest], { stdio: 'pipe' })).not.toThrow();
});

test('office-addin-manifest reads it: ID, names, locale, host', async () => {
  // office-addin-manifest pulls in ESM-only packages that jest's CommonJS runtime cannot load; plain Node can.
  const script = `require('office-addin-manifest').OfficeAddinManifest.readManifestFile(process.argv[1]).then((i) => process.stdout.write(JSON.stringify(i)))`;
  const info = JSON.parse(execFileSync(process.execPath, ['-e', script, repoManifest], { cwd: root, encoding: 'utf8' }));
  expect(info).toMatchObject({ id: ADDIN_ID, displayName: '红色工地申报', defaultLocale: 'zh-CN', providerName: '包头企业党建联盟', hosts: ['Workbook'] });
  expect(info.description).toContain('七有一好八规范');
});

test('OfficeApp children in schema order; TaskPaneApp with ExcelApi 1.7 and a ribbon button', () => {
  const doc = new DOMParser().parseFromString(buildManifest('https://redsite.example.cn:8443'), 'text/xml');
  const app = doc.documentElement!;
  expect(app.getAttribute('xsi:type')).toBe('TaskPaneApp');
  const children = Array.from(app.childNodes).filter((n) => n.nodeType === 1).map((n) => (n as unknown as Element).tagName);
  expect(children).toEqual(['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts', 'Requirements', 'DefaultSettings', 'Permissions', 'VersionOverrides']);
  const set = doc.getElementsByTagName('Set')[0]!;
  expect([set.getAttribute('Name'), set.getAttribute('MinVersion')]).toEqual(['ExcelApi', '1.7']);
  expect(doc.getElementsByTagName('Action')[0]!.getAttribute('xsi:type')).toBe('ShowTaskpane');
  expect(Array.from(doc.getElementsByTagName('bt:Image')).map((i) => i.getAttribute('size') ?? i.getAttribute('DefaultValue'))).toContain('https://redsite.example.cn:8443/assets/icon-80.png');
});

test('a deployment origin: every URL is https on that origin; the ID never changes', () => {
  const xml = buildManifest('https://redsite.example.cn:8443');
  const urls = [...xml.matchAll(/(?:DefaultValue|Url)="(https?:[^"]+)"|<AppDomain>([^<]+)<\/AppDomain>/g)].map((m) => m[1] ?? m[2]);
  expect(urls.length).toBeGreaterThan(8);
  for (const u of urls) expect(u!.startsWith('https://redsite.example.cn:8443')).toBe(true);
  expect(xml).toContain(`<Id>${ADDIN_ID}</Id>`);
  expect(() => checkOrigin('http://redsite.example.cn')).toThrow('必须使用 https');
  expect(() => checkOrigin('https://x.cn/addin')).toThrow('不要带路径');
});

test('redsite manifest --origin writes the file; a bad origin is refused in Chinese', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-manifest-')), 'manifest.xml');
  const bin = path.join(root, 'bin', 'redsite.js');
  execFileSync(process.execPath, [bin, 'manifest', '--origin', 'https://10.1.2.3:3443', '--out', out]);
  expect(fs.readFileSync(out, 'utf8')).toBe(buildManifest('https://10.1.2.3:3443'));
  expect(() => execFileSync(process.execPath, [bin, 'manifest', '--origin', 'http://x'], { stdio: 'pipe' })).toThrow(/必须使用 https/);
});

describe('every URL in the manifest is served by the server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(() => s.close());

  test('icons, task pane, commands and Office.js', async () => {
    const xml = buildManifest(DEFAULT_ORIGIN);
    const paths = [...new Set([...xml.matchAll(/"https:\/\/localhost:3000(\/[^"]*)"/g)].map((m) => m[1]!))];
    expect(paths).toEqual(expect.arrayContaining(['/assets/icon-16.png', '/assets/icon-32.png', '/assets/icon-64.png', '/assets/icon-80.png', '/addin/taskpane.html', '/addin/commands.html', '/']));
    for (const p of [...paths, '/office-js/office.js', '/addin/taskpane.js', '/addin/taskpane.css']) {
      const res = await fetch(`${s.url}${p}`);
      expect({ p, status: res.status }).toEqual({ p, status: 200 });
      if (p.endsWith('.png')) expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    }
    // Office may frame the pane: no X-Frame-Options, CSP frame-ancestors lists Office hosts.
    const pane = await fetch(`${s.url}/addin/taskpane.html`);
    expect(pane.headers.get('x-frame-options')).toBeNull();
    expect(pane.headers.get('content-security-policy')).toContain('frame-ancestors');
    expect(pane.headers.get('content-security-policy')).toContain('https://*.officeapps.live.com');
  });
});
