/** The task pane's pages load Office.js from Microsoft's CDN by default and from the local copy only when asked. */
import { testServer } from '../helpers/server';
import { OFFICE_JS_CDN, OFFICE_JS_LOCAL } from '../../server/addin-pages';

test('default: Microsoft\'s CDN in the page and in the CSP, no local copy served', async () => {
  const s = await testServer({ officeJs: 'cdn' });
  try {
    for (const page of ['taskpane.html', 'commands.html']) {
      const r = await fetch(`${s.url}/addin/${page}`);
      const html = await r.text();
      expect(html).toContain(`<script src="${OFFICE_JS_CDN}"></script>`);
      expect(html).not.toContain(OFFICE_JS_LOCAL);
      const csp = r.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self' https://appsforoffice.microsoft.com");
      expect(csp).toContain('frame-ancestors');
      expect(csp).not.toContain("'unsafe-inline'");
    }
    expect((await fetch(`${s.url}/office-js/office.js`)).status).toBe(404);
    // The dashboard keeps the strict policy.
    expect((await fetch(`${s.url}/`)).headers.get('content-security-policy')).toContain("script-src 'self';");
    expect((await fetch(`${s.url}/favicon.ico`)).headers.get('content-type')).toMatch(/icon/);
  } finally {
    await s.close();
  }
});

test('REDSITE_OFFICE_JS=local: the local copy in the page, served, and only self in script-src', async () => {
  const before = process.env.REDSITE_OFFICE_JS;
  process.env.REDSITE_OFFICE_JS = 'local';
  const s = await testServer({ officeJs: undefined });
  try {
    const r = await fetch(`${s.url}/addin/taskpane.html`);
    expect(await r.text()).toContain(`<script src="${OFFICE_JS_LOCAL}"></script>`);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self';");
    const js = await fetch(`${s.url}${OFFICE_JS_LOCAL}`);
    expect(js.status).toBe(200);
  } finally {
    if (before === undefined) delete process.env.REDSITE_OFFICE_JS;
    else process.env.REDSITE_OFFICE_JS = before;
    await s.close();
  }
});
