// The modules every workflow in a worker thread shares (platform/workflowCode) must be pure:
// one workflow must never see state another left behind. These checks read their source.
import { readFileSync } from 'node:fs';
import { SHARED_WORKFLOW_MODULES } from '../../platform/workflowCode';

const source = (file: string) => readFileSync(file, 'utf8');
const name = (file: string) => file.slice(file.lastIndexOf('/', file.lastIndexOf('/') - 1) + 1);

describe('shared workflow modules', () => {
  it.each(SHARED_WORKFLOW_MODULES.map((f) => [name(f), f]))('%s keeps no module-level variable', (_n, file) => {
    // Top-level `let`/`var` would be state shared by every workflow in the thread.
    expect(source(file).match(/^(?:export\s+)?(?:let|var)\s+\w+/gm) ?? []).toEqual([]);
  });

  it.each(SHARED_WORKFLOW_MODULES.map((f) => [name(f), f]))('%s needs no workflow context to load', (_n, file) => {
    // Loaded before any workflow exists: from the workflow API only the define* helpers.
    const imported = [...source(file).matchAll(/import\s*\{([^}]*)\}\s*from\s*'@temporalio\/workflow'/g)]
      .flatMap((m) => m[1].split(','))
      .map((s) => s.trim().replace(/^type\s+/, ''))
      .filter(Boolean);
    expect(imported.filter((i) => !/^define(Query|Signal|Update)$/.test(i))).toEqual([]);
  });

  it('lists no workflow entry module (those stay per workflow)', () => {
    for (const file of SHARED_WORKFLOW_MODULES) expect(source(file)).not.toMatch(/export async function \w+Workflow\b/);
  });
});
