// Demo accounts: one local account per role with a published password, so a developer can
// sign in right after `npm start`. Development and test only — the seed never creates them
// with NODE_ENV=production (it clears any left behind), and the API refuses to start in
// production while one is active (assertProductionReady).
import { jwtSecret, type AppConfig } from '../../config/env';
import { ROLES, type Role } from '../../domain/types';
import type { Db } from '../../platform/db';
import { hashPassword, scryptParams } from './passwords';

/** The published password of every demo account (printed by `npm start`). */
export const DEMO_PASSWORD = 'gulou-demo-2026';

/** The demo login of a role: demo-grid-worker, demo-admin, … */
export function demoLogin(role: Role): string {
  return `demo-${role.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Demo hashes use the cheapest cost the policy allows (2^14): the password is public anyway,
 * and every integration suite seeds the database, so the seed must stay fast.
 */
const DEMO_SCRYPT_LOG_N = 14;

/** The person who gets each role's demo account: the first of the role by id (as scripts/demoTokens.ts picks). */
export function demoPeople<P extends { id: string; role: Role }>(people: readonly P[]): Array<P & { login: string }> {
  const sorted = [...people].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: Array<P & { login: string }> = [];
  for (const role of ROLES) {
    const p = sorted.find((x) => x.role === role);
    if (p) out.push({ ...p, login: demoLogin(role) });
  }
  return out;
}

type Tx = Pick<Db, 'person'>;

/**
 * Give the demo people their accounts (enabled), or take every demo account away (production).
 * An account that already has a password keeps it: re-seeding must not undo an admin's reset,
 * nor pay for scrypt on every run.
 */
export async function seedDemoAccounts(tx: Tx, people: ReadonlyArray<{ id: string; role: Role }>, enabled: boolean): Promise<number> {
  if (!enabled) {
    const r = await tx.person.updateMany({ where: { demoAccount: true }, data: { demoAccount: false, passwordHash: null, login: null } });
    return -r.count;
  }
  let created = 0;
  for (const p of demoPeople(people)) {
    const row = await tx.person.findUnique({ where: { id: p.id }, select: { passwordHash: true } });
    if (!row || row.passwordHash) continue;
    const taken = await tx.person.findUnique({ where: { login: p.login }, select: { id: true } });
    if (taken && taken.id !== p.id) continue;
    await tx.person.update({
      where: { id: p.id },
      data: { login: p.login, passwordHash: await hashPassword(DEMO_PASSWORD, scryptParams(DEMO_SCRYPT_LOG_N)), demoAccount: true, passwordChangedAt: new Date() },
    });
    created += 1;
  }
  return created;
}

export interface DemoAccount {
  role: Role;
  login: string;
  personId: string;
  name: string;
  unitId: string;
}

/** The active demo accounts, in role order. */
export async function listDemoAccounts(db: Pick<Db, 'person'>): Promise<DemoAccount[]> {
  const rows = await db.person.findMany({
    where: { demoAccount: true, active: true, login: { not: null }, passwordHash: { not: null } },
    select: { id: true, name: true, role: true, unitId: true, login: true },
  });
  return ROLES.flatMap((role) => rows.filter((r) => r.role === role).map((r) => ({ role, login: r.login as string, personId: r.id, name: r.name, unitId: r.unitId })));
}

/** The development JWT secret (config/env.ts) must never sign production tokens. */
const DEV_SECRET = jwtSecret({} as AppConfig);

/**
 * Refuse to serve production with a published credential: an active demo account, or the
 * development JWT secret. Throws with what to do; does nothing outside production.
 */
export async function assertProductionReady(db: Pick<Db, 'person'>, cfg: AppConfig): Promise<void> {
  if (cfg.NODE_ENV !== 'production') return;
  if (jwtSecret(cfg) === DEV_SECRET) {
    throw new Error('refusing to start in production: JWT_SECRET is the development secret. Set a random one (openssl rand -hex 32).');
  }
  const demo = await listDemoAccounts(db);
  if (demo.length > 0) {
    throw new Error(
      `refusing to start in production: ${demo.length} demo account(s) with the published password are active ` +
        `(${demo.map((d) => d.login).join(', ')}). Run the seed with NODE_ENV=production (it removes them) ` +
        'or reset their passwords / deactivate them.',
    );
  }
}
