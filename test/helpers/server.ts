/** A real redsite server on 127.0.0.1 (random port) with a real SQLite file in a temp folder, and a tiny HTTP client. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../server/index';

export interface TestServer extends RunningServer {
  admin: string;
  call: <T = Record<string, unknown>>(method: string, url: string, opts?: CallOptions) => Promise<{ status: number; body: T; headers: Headers }>;
  user: (input: Record<string, unknown>) => Promise<string>;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  file?: { bytes: Uint8Array; name: string; field?: string; extra?: Record<string, string> };
  headers?: Record<string, string>;
}

export async function testServer(opts: ServerOptions & { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-srv-'));
  // Office.js from the local copy: tests have no network (production defaults to Microsoft's CDN).
  const server = await startServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', officeJs: 'local', ...opts, dataDir });
  const call: TestServer['call'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: BodyInit | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.file) {
      const form = new FormData();
      form.append(o.file.field ?? 'file', new Blob([new Uint8Array(o.file.bytes)]), o.file.name);
      for (const [k, v] of Object.entries(o.file.extra ?? {})) form.append(k, v);
      body = form;
    }
    const res = await fetch(`${server.url}${url}`, { method, headers, body });
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const admin = server.secretariatToken!;
  return {
    ...server,
    admin,
    call,
    async user(input) {
      const r = await call<{ token: string }>('POST', '/api/v1/users', { token: admin, json: input });
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      return r.body.token;
    },
  };
}

/** The accounts most tests need: a 填报单位 of 东河区, that 旗县区's reviewer, and a second unit of 东河区. */
export async function eastRiverAccounts(s: TestServer): Promise<{ unit: string; district: string; otherUnit: string }> {
  return {
    unit: await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' }),
    district: await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' }),
    otherUnit: await s.user({ name: '二建填报员', role: 'unit', district: '东河区', unit: '包头市第二建筑工程有限公司' }),
  };
}

/** A fresh server per test: `start()` inside a test, every one closed after the file. */
export function perTestServers(): (opts?: Parameters<typeof testServer>[0]) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  return async (opts) => {
    const s = await testServer(opts);
    servers.push(s);
    return s;
  };
}
