// Conditional GETs (api/conditional.ts): the tag is per caller and per version, and a request
// holding the current tag gets 304 with no body before the read runs.
import express from 'express';
import request from 'supertest';
import { answeredNotModified, etagOf } from '../../api/conditional';

const alice = { personId: 'p-a', role: 'GRID_WORKER' as const, unitId: 'G1' };
const bob = { personId: 'p-b', role: 'GRID_WORKER' as const, unitId: 'G1' };

describe('etagOf', () => {
  it('is weak, stable for the same caller and version, and differs by caller and by version', () => {
    const t = etagOf(alice, 'case', 'GL-1', 7);
    expect(t).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(etagOf(alice, 'case', 'GL-1', 7)).toBe(t);
    expect(etagOf(bob, 'case', 'GL-1', 7)).not.toBe(t);
    expect(etagOf({ ...alice, role: 'AUDITOR' }, 'case', 'GL-1', 7)).not.toBe(t);
    expect(etagOf(alice, 'case', 'GL-1', 8)).not.toBe(t);
    expect(etagOf(alice, 'events', 'GL-1', 7)).not.toBe(t);
  });
});

describe('answeredNotModified', () => {
  let reads = 0;
  const app = express();
  app.set('etag', false);
  app.get('/thing/:v', (req, res) => {
    if (answeredNotModified(req, res, etagOf(alice, 'thing', req.params.v))) return;
    reads++;
    res.json({ v: req.params.v });
  });

  it('answers 200 with the tag, then 304 without a body (and without the read) for the same tag', async () => {
    const first = await request(app).get('/thing/1');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const tag = first.headers.etag as string;
    expect(tag).toBe(etagOf(alice, 'thing', '1'));
    const before = reads;
    const again = await request(app).get('/thing/1').set('If-None-Match', `W/"other", ${tag}`);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(reads).toBe(before);
  });

  it('answers 200 when the version moved', async () => {
    const tag = etagOf(alice, 'thing', '1');
    const moved = await request(app).get('/thing/2').set('If-None-Match', tag);
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ v: '2' });
    expect(moved.headers.etag).not.toBe(tag);
  });
});
