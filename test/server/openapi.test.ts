/**
 * server/openapi.ts: the document's paths and methods are exactly the routes the Express application registers under
 * /api/v1 (and /healthz), both ways: no route without documentation, no documented path that does not exist.
 */
import type { Express } from 'express';
import { testServer, type TestServer } from '../helpers/server';

interface Layer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** "METHOD /path" of every route, with mount paths joined and `:id` written `{id}` as OpenAPI does. */
function registered(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const p = `${prefix}${layer.route.path === '/' ? '' : layer.route.path}`.replace(/:(\w+)/g, '{$1}') || '/';
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${p}`);
    }
    if (!layer.handle.stack) return [];
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return registered(layer.handle.stack, prefix + mount);
  });
}

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s.close());

test('every /api/v1 route is in the OpenAPI document, and every documented path is a route', async () => {
  const routes = new Set(registered((s.app as Express & { router: { stack: Layer[] } }).router.stack).filter((r) => / \/api\/v1\/|^GET \/healthz$/.test(r)));
  const doc = (await s.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/v1/openapi.json')).body;
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  expect(routes.size).toBeGreaterThan(30);
  expect([...routes].filter((r) => !documented.has(r)).sort()).toEqual([]);
  expect([...documented].filter((r) => !routes.has(r)).sort()).toEqual([]);
});
