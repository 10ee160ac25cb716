// The layer rules of eslint.layers.cjs (docs/ARCHITECTURE.md §0) catch a wrong-way import
// and let a right-way one through. Linted as snippets with the layer rules alone (no type
// information), so this stays fast; `npm run lint` applies the same rules to the tree.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// eslint.layers.cjs is plain CommonJS shared with eslint.config.mjs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layerRules } = require('../../eslint.layers.cjs') as { layerRules: NonNullable<ESLint.Options['overrideConfig']> };

const ROOT = path.resolve(__dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } },
    ...(Array.isArray(layerRules) ? layerRules : [layerRules]),
  ],
});

/** The restricted-import messages for `code` as if it were the file `file`. */
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const other = result.messages.filter((m) => m.ruleId !== RULE);
  if (other.length) throw new Error(`unexpected: ${other.map((m) => m.message).join('; ')}`);
  return result.messages.map((m) => m.message);
}

/** Cases titled by file and first line (the import). */
const titled = <T extends [string, string, ...unknown[]]>(cases: T[]) => cases.map((c) => [`${c[0]}: ${c[1].split('\n')[0]}`, ...c] as const);

describe('layer rules: wrong-way imports fail the lint', () => {
  it.each(titled<[string, string, RegExp]>([
    ['domain/x.ts', "import { createDb } from '../platform/db';\nexport const d = createDb;", /domain\/ is pure rules/],
    ['domain/assessment/x.ts', "import type { Db } from '../../platform/db';\nexport type D = Db;", /domain\/ is pure rules/],
    ['domain/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", /domain\/ imports no packages/],
    ['domain/x.ts', "import { z } from 'zod';\nexport const s = z.string();", /domain\/ imports no packages/],
    ['workflows/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", /workflows\/ imports no package but/],
    ['workflows/x.ts', "import type { Client } from '@temporalio/client';\nexport type C = Client;", /workflows\/ imports no package but/],
    ['workflows/x.ts', "import type { AssessmentActivities } from '../activities/assessment';\nexport type A = AssessmentActivities;", /sandbox/],
    ['workflows/x.ts', "import { buildCasePolicy } from '../domain/policy';\nexport const b = buildCasePolicy;", /zod/],
    ['features/intake/x.ts', "import { ApiError } from '../../api/errors';\nexport const e = ApiError;", /features\/ imports only/],
    ['features/x/y.ts', "import { caseInput } from '../../test/workflow/caseFixture';\nexport const c = caseInput;", /test\/ is imported only by test\//],
    ['activities/x.ts', "import { createWorker } from '../worker/createWorker';\nexport const w = createWorker;", /activities\/ imports only/],
    ['api/x.ts', "import { createWorker } from '../worker/createWorker';\nexport const w = createWorker;", /never the worker side/],
    ['worker/x.ts', "import { createApp } from '../api/app';\nexport const a = createApp;", /never the API/],
    ['platform/x.ts', "import { intake } from '../features/intake/intake';\nexport const i = intake;", /platform\/ .* imports only config\//],
    ['config/x.ts', "import type { Level } from '../domain/types';\nexport type L = Level;", /config\/ imports no other project folder/],
    ['scripts/x.ts', "import { ACTORS } from '../test/workflow/caseFixture';\nexport const a = ACTORS;", /test\/ is imported only by test\//],
    ['bench/x.ts', "import { ACTORS } from '../test/workflow/caseFixture';\nexport const a = ACTORS;", /test\/ is imported only by test\//],
    ['devstack/x.ts', "import { createApp } from '../api/app';\nexport const a = createApp;", /devstack\/ is used by/],
    ['domain/policy.ts', "import { loadConfig } from '../config/env';\nexport const l = loadConfig;", /import type/],
  ]))('%s', async (_title, file, code, message) => {
    const messages = await restricted(file, code);
    expect(messages).toEqual([expect.stringMatching(message)]);
  });
});

describe('layer rules: right-way imports pass', () => {
  it.each(titled<[string, string]>([
    ['domain/x.ts', "import type { Level } from './types';\nimport { nextLevel } from './ladder';\nexport const n: (l: Level) => unknown = nextLevel;"],
    ['domain/assessment/x.ts', "import type { Level } from '../types';\nexport type L = Level;"],
    ['domain/policy.ts', "import { z } from 'zod';\nimport type { AppConfig } from '../config/env';\nexport type C = AppConfig;\nexport const s = z.string();"],
    ['workflows/x.ts', "import { condition } from '@temporalio/workflow';\nimport { ApplicationFailure } from '@temporalio/common';\nimport type { Level } from '../domain/types';\nimport type { CaseActivities } from './activityContract';\nexport type L = Level | CaseActivities;\nexport const c = [condition, ApplicationFailure];"],
    ['features/intake/x.ts', "import { createDb } from '../../platform/db';\nimport { loadConfig } from '../../config/env';\nimport type { CaseWorkflowInput } from '../../workflows/messages';\nimport { readFileSync } from 'node:fs';\nexport type I = CaseWorkflowInput;\nexport const c = [createDb, loadConfig, readFileSync];"],
    ['activities/x.ts', "import { publishSnapshot } from '../features/assessment/store';\nexport const p = publishSnapshot;"],
    ['api/x.ts', "import { startCase } from '../features/intake/intake';\nimport { caseUpdate } from '../workflows/messages';\nexport const s = [startCase, caseUpdate];"],
    ['worker/x.ts', "import { createActivities } from '../activities';\nexport const a = createActivities;"],
    ['platform/x.ts', "import { loadConfig } from '../config/env';\nimport { PrismaClient } from '../generated/prisma/client';\nexport const l = [loadConfig, PrismaClient];"],
    ['devstack/x.ts', "import { newCaseOptions } from '../features/intake/intake';\nexport const n = newCaseOptions;"],
    ['scripts/x.ts', "import { startPglite } from '../devstack/services';\nimport { createApp } from '../api/app';\nexport const s = [startPglite, createApp];"],
    ['test/unit/x.test.ts', "import { ACTORS } from '../workflow/caseFixture';\nimport { createApp } from '../../api/app';\nexport const a = [ACTORS, createApp];"],
  ]))('%s', async (_title, file, code) => {
    await expect(restricted(file, code)).resolves.toEqual([]);
  });
});
