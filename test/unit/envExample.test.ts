// .env.example documents every variable of config/env.ts with its real default.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema, loadConfig } from '../../config/env';

const example = new Map<string, string>();
for (const line of readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n')) {
  const m = /^#?\s*([A-Z][A-Z0-9_]*)=(\S*)/.exec(line);
  if (m) example.set(m[1], m[2]);
}

describe('.env.example', () => {
  it('lists every configuration variable', () => {
    const missing = Object.keys(envSchema.shape).filter((k) => !example.has(k));
    expect(missing).toEqual([]);
  });

  it('lists no variable the config does not know', () => {
    const unknown = [...example.keys()].filter((k) => !(k in envSchema.shape));
    expect(unknown).toEqual([]);
  });

  it('shows the defaults the config applies', () => {
    const defaults = loadConfig({}) as Record<string, unknown>;
    for (const [key, value] of example) {
      if (defaults[key] === undefined) continue; // optional, no default (DATABASE_URL, JWT_SECRET, …)
      const parsed = loadConfig({ [key]: value }) as Record<string, unknown>;
      expect({ key, value: parsed[key] }).toEqual({ key, value: defaults[key] });
    }
  });
});
