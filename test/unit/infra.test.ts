// Pure checks of the infrastructure helpers (no servers).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/env';
import { isTemporalUnreachable, temporalConnectionOptions } from '../../platform/temporalConnection';
import { benchDynamicConfig } from '../../bench/lib';
import { DEV_SERVER_DYNAMIC_CONFIG, devServerArgs } from '../../devstack/services';
import { findOnPath, resolveTemporalCli } from '../../devstack/tools';

describe('tools resolution', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coe-tools-'));
  const fake = path.join(dir, 'temporal');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers TEMPORAL_CLI_PATH', async () => {
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: fake, PATH: '' }, install: false })).resolves.toBe(fake);
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: path.join(dir, 'nope') }, install: false })).rejects.toThrow(
      /TEMPORAL_CLI_PATH/,
    );
  });

  it('finds executables on PATH', () => {
    expect(findOnPath('temporal', { PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(fake);
  });
});

describe('temporal connection options', () => {
  it('maps the config; an API key implies TLS', () => {
    const cfg = loadConfig({ NODE_ENV: 'test' });
    expect(temporalConnectionOptions(cfg)).toEqual({ address: '127.0.0.1:7233', tls: false });
    const cloud = loadConfig({ NODE_ENV: 'test', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' });
    expect(temporalConnectionOptions(cloud)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'k' });
  });

  it('tells unreachable errors apart', () => {
    expect(isTemporalUnreachable(new Error('Failed to connect before the deadline'))).toBe(true);
    expect(isTemporalUnreachable(Object.assign(new Error('x'), { name: 'TransportError' }))).toBe(true);
    expect(isTemporalUnreachable(Object.assign(new Error('wrapped'), { cause: { code: 14, message: 'UNAVAILABLE' } }))).toBe(true);
    expect(isTemporalUnreachable(Object.assign(new Error('5 NOT_FOUND: namespace'), { code: 5 }))).toBe(false);
    expect(isTemporalUnreachable(undefined)).toBe(false);
  });
});

describe('dev server arguments', () => {
  it('persists to a file with the pragmas, or runs in memory without them', () => {
    const persistent = devServerArgs({ cli: 't', port: 7233, uiPort: 8233, dbFile: '/d/t.sqlite', sqlitePragmas: ['journal_mode=wal'] });
    expect(persistent).toEqual(expect.arrayContaining(['--db-filename', '/d/t.sqlite', '--sqlite-pragma', 'journal_mode=wal', '--ui-port', '8233']));
    const memory = devServerArgs({ cli: 't', port: 1, sqlitePragmas: ['journal_mode=wal'] });
    expect(memory).toContain('--headless');
    expect(memory).not.toContain('--sqlite-pragma');
  });
});

describe('bench dynamic config', () => {
  const saved = process.env.BENCH_DYNAMIC_CONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_DYNAMIC_CONFIG;
    else process.env.BENCH_DYNAMIC_CONFIG = saved;
  });

  it('is the shipped dev-server config unless an experiment adds keys', () => {
    delete process.env.BENCH_DYNAMIC_CONFIG;
    expect(benchDynamicConfig()).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
    process.env.BENCH_DYNAMIC_CONFIG = '{"history.cacheMaxSize": 8192, "system.forceSearchAttributesCacheRefreshOnRead": true}';
    expect(benchDynamicConfig()).toEqual({ 'history.cacheMaxSize': 8192, 'system.forceSearchAttributesCacheRefreshOnRead': true });
  });

  it('refuses anything but a JSON object', () => {
    process.env.BENCH_DYNAMIC_CONFIG = '[1]';
    expect(() => benchDynamicConfig()).toThrow('must be a JSON object');
    process.env.BENCH_DYNAMIC_CONFIG = '{oops';
    expect(() => benchDynamicConfig()).toThrow(SyntaxError);
  });
});

describe('evidence storage configuration', () => {
  it('s3 needs a bucket, and credentials come in pairs', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).EVIDENCE_STORAGE).toBe('disk');
    expect(() => loadConfig({ NODE_ENV: 'test', EVIDENCE_STORAGE: 's3' })).toThrow(/EVIDENCE_S3_BUCKET: required with EVIDENCE_STORAGE=s3/);
    expect(() => loadConfig({ NODE_ENV: 'test', EVIDENCE_STORAGE: 's3', EVIDENCE_S3_BUCKET: 'b1b', EVIDENCE_S3_ACCESS_KEY_ID: 'k' })).toThrow(/go together/);
    expect(() => loadConfig({ NODE_ENV: 'test', EVIDENCE_STORAGE: 'ftp' })).toThrow(/EVIDENCE_STORAGE/);
    const cfg = loadConfig({ NODE_ENV: 'test', EVIDENCE_STORAGE: 's3', EVIDENCE_S3_BUCKET: 'city', EVIDENCE_S3_FORCE_PATH_STYLE: 'false' });
    expect(cfg).toMatchObject({ EVIDENCE_S3_PREFIX: 'evidence', EVIDENCE_S3_REGION: 'us-east-1', EVIDENCE_S3_FORCE_PATH_STYLE: false });
  });
});
