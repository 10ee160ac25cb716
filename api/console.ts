// The web console (console/, built by Vite into console/dist) served by the API process
// under /console/: one process and one origin in production, so the session cookie
// (SameSite=Strict, path /) and the CSRF header work without CORS.
//  - /console/assets/* have content hashes in their names: cached for a year, immutable.
//  - Scripts and styles go gzipped to a browser that accepts it (compressed once per file, kept
//    in memory: the files are immutable), so the JavaScript transferred is the gzip size.
//  - index.html is revalidated every time (no-cache), so a new build is picked up at once.
//  - Client-side routes (/console/cases/GL-…) answer index.html, but only for browser
//    navigations (Accept: text/html) under /console/: an unknown API path, or a fetch of a
//    missing asset, still gets the API's JSON 404 instead of a page.
//  - The resident's one-time survey link (/survey/{token}, the path POST /cases/{code}/survey-link
//    issues) answers the console's page to a browser, which then asks the same path for JSON;
//    like the JSON, the page is never cached and sends no referrer (the token is a credential).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express, { Router, type Request, type Response } from 'express';
import { httpErrors } from './errors';

/** Where the console is mounted; the API routes stay at the root. */
export const CONSOLE_PREFIX = '/console';

/** The built console, next to the API's sources (console/dist). */
export const CONSOLE_DIST = path.resolve(__dirname, '..', 'console', 'dist');

const wantsPage = (req: Request) => (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html';

/** The console's routes; `dir` defaults to console/dist (absent: a hint instead of the page). */
export function consoleRouter(dir: string = CONSOLE_DIST): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');

  // The root is for people: a browser opening the API's address lands in the console.
  router.get('/', (req, res, next) => (wantsPage(req) ? res.redirect(302, `${CONSOLE_PREFIX}/`) : next()));

  const gzipped = new Map<string, Buffer>();
  router.get(`${CONSOLE_PREFIX}/assets/:file`, (req, res, next) => {
    const file = String(req.params.file);
    const type = /^[\w.-]+\.(js|css)$/.exec(file)?.[1];
    res.setHeader('Vary', 'Accept-Encoding');
    if (!type || !req.acceptsEncodings('gzip')) return next();
    const full = path.join(dir, 'assets', file);
    let body = gzipped.get(full);
    if (!body) {
      if (!existsSync(full)) return next();
      body = gzipSync(readFileSync(full), { level: 9 });
      gzipped.set(full, body);
    }
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(type === 'js' ? 'text/javascript' : 'text/css');
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  });
  router.use(
    `${CONSOLE_PREFIX}/assets`,
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
    // An asset of another build (a page open across a deploy): a plain 404, not a sign-in demand.
    (req, _res, next) => next(httpErrors.notFound(`no console asset ${req.path}`)),
  );
  router.use(
    CONSOLE_PREFIX,
    express.static(dir, {
      index: false,
      redirect: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  const sendIndex = (res: Response, cacheControl: string) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run console:build` (npm start does it when console/dist is missing).\n');
      return;
    }
    res.setHeader('Cache-Control', cacheControl);
    res.sendFile(index);
  };
  router.get(/^\/console(\/.*)?$/, (req, res, next) => {
    if (!wantsPage(req) || req.path.startsWith(`${CONSOLE_PREFIX}/assets/`)) return next();
    sendIndex(res, 'no-cache');
  });
  router.get('/survey/:token', (req, res, next) => {
    if (!wantsPage(req)) return next();
    res.setHeader('Referrer-Policy', 'no-referrer');
    sendIndex(res, 'no-store');
  });
  return router;
}
