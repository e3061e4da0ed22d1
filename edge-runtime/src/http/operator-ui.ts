import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, Router } from 'express';

/** Where `npm run build` puts the operator UI: renderer/dist beside this workspace. */
export function defaultUiDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../renderer/dist');
}

/**
 * The UI's content security policy: its own scripts only, no inline script, no framing, and the
 * API and event stream on the same origin. Inline styles are allowed for React's `style` props.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: Response): void {
  res.set({
    'content-security-policy': UI_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Outpost</title>
<h1>The operator UI is not built</h1>
<p>Run <code>npm run build</code> in the repository (or <code>npm start</code>, which builds it), then reload.
The API is up: see <a href="/api/openapi.json">/api/openapi.json</a>.</p>`;

/**
 * Serves the operator UI's static files at `/` (the UI routes by URL hash, so `/` and `/assets/…`
 * are all there is). Hashed assets are cached for a year, `index.html` never, so a hub upgrade
 * reaches every open browser on its next load. Public: the files hold no data; the API is guarded.
 */
export function operatorUiRouter(uiDir = defaultUiDir()): Router {
  const router = Router();
  const index = path.join(uiDir, 'index.html');
  const sendIndex = (_req: Request, res: Response) => {
    securityHeaders(res);
    res.set('cache-control', 'no-cache');
    if (!existsSync(index)) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(index, (err?: NodeJS.ErrnoException) => {
      if (!err || res.headersSent) return;
      // Removed between the check and the read (a rebuild in progress): the same answer as missing.
      if (err.code === 'ENOENT') res.status(503).type('html').send(NOT_BUILT);
      else res.status(500).end();
    });
  };
  router.get('/', sendIndex);
  router.get('/index.html', sendIndex);
  router.use(
    '/assets',
    express.static(path.join(uiDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (res) => securityHeaders(res as unknown as Response),
    }),
  );
  return router;
}
