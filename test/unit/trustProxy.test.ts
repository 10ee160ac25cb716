// TRUST_PROXY: parsed once at start-up into what Express's 'trust proxy' accepts, and a client
// behind a trusted proxy is known by X-Forwarded-For (rate limits and logs key on req.ip).
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../../config/env';

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 127.0.0.1 ,::1', ['10.0.0.0/8', '127.0.0.1', '::1']],
  ])('%s → %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it('refuses what is not an address, CIDR or range name, naming it', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'loopback,nginx.local' })).toThrow(/TRUST_PROXY[\s\S]*nginx\.local/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/x' })).toThrow(/TRUST_PROXY/);
  });

  it.each([
    ['false', '127.0.0.1'],
    ['loopback', '203.0.113.7'],
  ])('with %s, a request through a local proxy is from %s', async (value, ip) => {
    const app = express();
    app.set('trust proxy', loadConfig({ TRUST_PROXY: value }).TRUST_PROXY);
    app.get('/ip', (req, res) => res.json({ ip: req.ip?.replace(/^::ffff:/, '') }));
    const r = await request(app).get('/ip').set('X-Forwarded-For', '203.0.113.7');
    expect(r.body.ip).toBe(ip);
  });
});
