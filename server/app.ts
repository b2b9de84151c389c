/**
 * The Express application: security headers that let Office host the task pane, logging, limits, the API routes
 * (read like a table below), static files (dashboard, add-in, Office.js) and one error handler.
 */
import express, { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { rateLimit } from 'express-rate-limit';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from './context';
import { requestToken, requireAuth } from './auth';
import { AppError, errorHandler, RATE_LIMIT_MSG } from './errors';
import { submissionsRouter } from './routes/submissions';
import { usersRouter } from './routes/users';
import { meRouter } from './routes/me';
import { publicRouter } from './routes/public';
import { districtsRouter } from './routes/districts';
import { rosterRouter } from './routes/roster';
import { exportsRouter } from './routes/exports';
import { auditRouter } from './routes/audit';
import { settingsRouter } from './routes/settings';
import { packLinkRouter, showcaseRouter } from './routes/showcase';
import { evidenceRouter } from './routes/evidence';
import { openApiDocument } from './openapi';
import { projectRoot } from './paths';
import { addinPages } from './addin-pages';
import { jsonDepth, JSON_MSG } from '../core/json';

/** Office hosts that may frame the task pane (Excel on the web, desktop WebView2 loads from the add-in origin). */
export const OFFICE_FRAME_ANCESTORS = [
  "'self'", 'https://*.office.com', 'https://*.office365.com', 'https://*.officeapps.live.com', 'https://*.microsoft.com',
  'https://*.sharepoint.com', 'https://*.live.com', 'https://*.cloud.microsoft', 'https://*.officeppe.com',
];

/** Headers that carry credentials, as pino redaction paths. */
export const LOG_REDACT = [
  'req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers.cookie', 'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

export function createApp(ctx: Context, logger: Logger, version: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Request lines never carry credentials: tokens and cookies are replaced before anything is written.
  const httpLogger = logger.child({}, { redact: { paths: LOG_REDACT, censor: '[已隐藏]' } });
  app.use(pinoHttp({ logger: httpLogger, customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info') }));
  app.use(
    helmet({
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: OFFICE_FRAME_ANCESTORS,
          upgradeInsecureRequests: null,
        },
      },
    }),
  );

  // Always answers (reads keep working on a full disk); `ok: false` + message while writes cannot be stored.
  app.get('/healthz', (_req, res) => {
    res.json(ctx.storage.health());
  });

  const api = Router();
  // The refusals say how long to wait: until this client's window ends (the limiter's reset time for it).
  const waitMs = (req: Request, windowMs: number) => {
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    return reset ? reset.getTime() - Date.now() : windowMs;
  };
  api.use(rateLimit({
    windowMs: 60_000, limit: ctx.limits.requestsPerMinute, standardHeaders: 'draft-8', legacyHeaders: false,
    message: (req: Request) => ({ error: RATE_LIMIT_MSG.requests(ctx.limits.requestsPerMinute, waitMs(req, 60_000)), code: 'RATE_LIMITED' }),
  }));
  // Requests with a missing or wrong token, per client: a guessing attacker is slowed down; requests with a valid
  // token never count (counting only failures *after* the response would let concurrent valid requests trip it).
  api.use(
    rateLimit({
      windowMs: 15 * 60_000, limit: ctx.limits.signInAttempts, standardHeaders: false, legacyHeaders: false,
      skip: (req) => {
        const { check } = requestToken(ctx.db, req);
        return !check || 'actor' in check;
      },
      // No RateLimit headers here (the limiter above sends them), but Retry-After as for the other refusal.
      message: (req: Request, res: Response) => {
        const wait = waitMs(req, 15 * 60_000);
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))));
        return { error: RATE_LIMIT_MSG.signIn(ctx.limits.signInAttempts, 15 * 60_000, wait), code: 'RATE_LIMITED' };
      },
    }),
  );
  api.use(
    express.json({
      limit: ctx.limits.jsonBytes,
      verify: (_req, _res, raw) => {
        if (jsonDepth(raw) > ctx.limits.jsonDepth) throw new AppError('BAD_REQUEST', JSON_MSG.tooDeep(ctx.limits.jsonDepth));
      },
    }),
  );
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(version));
  });
  api.use(publicRouter());
  api.use(packLinkRouter(ctx));
  api.use(requireAuth(ctx.db));
  // Signed-in answers are personal: no browser or proxy may keep them (downloads too; exports add an ETag for 304).
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use('/me', meRouter());
  api.use('/submissions', submissionsRouter(ctx));
  api.use('/users', usersRouter(ctx));
  api.use('/districts', districtsRouter(ctx));
  api.use('/roster', rosterRouter(ctx));
  api.use('/audit', auditRouter(ctx));
  api.use('/settings', settingsRouter(ctx));
  api.use(exportsRouter(ctx));
  api.use(showcaseRouter(ctx));
  api.use(evidenceRouter(ctx));
  api.use((_req, _res, next) => next(new AppError('NOT_FOUND', '没有这个接口，请查看 /api/v1/openapi.json')));
  app.use('/api/v1', api);

  const root = projectRoot();
  app.use(addinPages(ctx.officeJs, OFFICE_FRAME_ANCESTORS));
  const statics: Array<[string, string]> = [
    ...(ctx.officeJs === 'local' ? [['/office-js', path.join(root, 'node_modules', '@microsoft', 'office-js', 'dist')] as [string, string]] : []),
    ['/addin', path.join(root, 'addin', 'dist')],
    ['/addin', path.join(root, 'addin', 'static')],
    ['/assets', path.join(root, 'assets')],
    ['/', path.join(root, 'server', 'dashboard', 'dist')],
    ['/', path.join(root, 'server', 'public')],
  ];
  for (const [mount, dir] of statics) if (fs.existsSync(dir)) app.use(mount, express.static(dir, { index: 'index.html', fallthrough: true, maxAge: mount === '/office-js' ? '1d' : 0 }));
  app.use((_req, res) => {
    res.status(404).type('text/plain; charset=utf-8').send('页面不存在');
  });
  app.use(errorHandler(logger, { storageFull: () => ctx.storage.noteFull() }));
  return app;
}
