// The console's files as the API serves them (api/console.ts) over a stand-in build: caching,
// the SPA fallback only for browser navigations under /console/, and the API's own 404s
// left alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/env';
import { AuthError, type Authenticator } from '../../features/auth/auth';
import type { DirectoryCache } from '../../features/directory/directory';
import type { Db } from '../../platform/db';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const stubAuth: Authenticator = {
  async authenticate() {
    throw new AuthError('authentication required');
  },
  clear() {},
};

let dir: string;
const appWith = (consoleDir: string) =>
  createApp({
    db: {} as Db,
    temporal: {} as Client,
    cfg: loadConfig({}),
    logger: pino({ level: 'silent' }),
    directory: {} as DirectoryCache,
    authenticator: stubAuth,
    consoleDir,
  });

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coe-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console served by the API', () => {
  it('sends index.html for browser navigations under /console/, revalidated every time', async () => {
    const a = appWith(dir);
    for (const p of ['/console/', '/console', '/console/cases/GL-20261203-000001']) {
      const res = await request(a).get(p).set('Accept', HTML);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('/console/assets/index-abc123.js');
    }
  });

  it("answers the page to a browser opening a resident's survey link, uncached and without a referrer; JSON callers still get the API", async () => {
    const a = appWith(dir);
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJjb2RlIjoiR0wifQ.c2lnbmF0dXJl';
    const page = await request(a).get(`/survey/${token}`).set('Accept', HTML);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('/console/assets/index-abc123.js');
    // The page's own fetch asks for JSON: the survey router answers it (here: a token too short to be one).
    const json = await request(a).get('/survey/short').set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect(json.type).toBe('application/json');
  });

  it('caches hashed assets for a year (immutable); a missing asset is a 404, not the page', async () => {
    const a = appWith(dir);
    const js = await request(a).get('/console/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await request(a).get('/console/assets/index-gone.js').set('Accept', HTML);
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<script');
  });

  it('sends scripts gzipped to a browser that accepts gzip, plain to one that does not', async () => {
    const a = appWith(dir);
    const gz = await request(a).get('/console/assets/index-abc123.js').set('Accept-Encoding', 'gzip');
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^text\/javascript/);
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gz.text).toBe('console.log(1)'); // supertest inflates it
    const plain = await request(a).get('/console/assets/index-abc123.js').set('Accept-Encoding', 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe('console.log(1)');
  });

  it('leaves the API alone: unknown API paths and non-HTML requests get the JSON answers', async () => {
    const a = appWith(dir);
    // An API path, even from a browser: the API's answer (here 401 before any route), never the page.
    const api = await request(a).get('/cases/GL-1/nothing-here').set('Accept', HTML);
    expect(api.status).toBe(401);
    expect(api.type).toBe('application/json');
    // A fetch under /console/ that is not a navigation: no page either.
    const json = await request(a).get('/console/cases/GL-1').set('Accept', 'application/json');
    expect(json.status).toBe(401);
    expect(json.type).toBe('application/json');
  });

  it('sends a browser at / to the console; a program at / gets the API answer', async () => {
    const a = appWith(dir);
    const page = await request(a).get('/').set('Accept', HTML);
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/console/');
    expect((await request(a).get('/').set('Accept', 'application/json')).type).toBe('application/json');
  });

  it('keeps a CSP that allows the built files and no inline script', async () => {
    const res = await request(appWith(dir)).get('/console/').set('Accept', HTML);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('says how to build it when console/dist is missing', async () => {
    const res = await request(appWith(path.join(dir, 'absent'))).get('/console/').set('Accept', HTML);
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run console:build');
  });
});
