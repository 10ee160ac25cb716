// The organisation an administrator keeps: units (streets, communities, grids, departments)
// and people (role and unit). Every change is limited to the admin's district, refused with a
// reason when it would break running work, and written with its AdminChange row in one
// transaction. Callers clear the directory cache after a change (the intake must not route to
// a deactivated grid or a moved worker for the cache's 30 s).
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import { CASE_HOLDING_ROLES, ENTITY_ID_PATTERN, parentKindProblem, roleUnitProblem, wouldCreateCycle, type UnitKind } from '../../domain/orgTree';
import type { Role } from '../../domain/types';
import type { Db } from '../../platform/db';
import { districtOf, LOGIN_PATTERN } from '../auth/accounts';
import { normalizeLogin } from '../auth/signIn';
import { afterDirectoryChange, inChangeTx, type Tx } from './changes';
import { AdminError, conflict, invalid, notFound } from './errors';

/** Who acts: the signed-in ADMIN (its unit is its district). */
export interface AdminActor {
  personId: string;
  unitId: string;
}

/** A case is open until it is closed (CLOSED, or SURVEYED after its revisit). A long-term plan is still open. */
export const CLOSED_STATUSES = ['CLOSED', 'SURVEYED'] as const;
const OPEN: Prisma.CaseWhereInput = { status: { notIn: [...CLOSED_STATUSES] } };

/** The open cases "on" a unit: at that level of the ladder, or called to that department. */
export function openCasesWhere(unit: { id: string; kind: string }): Prisma.CaseWhereInput {
  switch (unit.kind) {
    case 'GRID':
      return { ...OPEN, gridId: unit.id };
    case 'COMMUNITY':
      return { ...OPEN, communityId: unit.id };
    case 'STREET':
      return { ...OPEN, streetId: unit.id };
    case 'DISTRICT':
      return { ...OPEN, districtId: unit.id };
    default:
      return { ...OPEN, OR: [{ assigneeUnitId: unit.id }, { events: { some: { type: 'DEPARTMENT_CALLED', unitId: unit.id } } }] };
  }
}

/** Units of a district, as a filter (the tree is at most district → street → community → grid). */
export function inDistrict(districtId: string): Prisma.OrgUnitWhereInput {
  return { OR: [{ id: districtId }, { parentId: districtId }, { parent: { parentId: districtId } }, { parent: { parent: { parentId: districtId } } }] };
}

const UNIT_SELECT = {
  id: true, kind: true, name: true, parentId: true, addressKeywords: true, lat: true, lng: true, households: true,
  active: true, deactivatedAt: true, createdAt: true,
} as const;
type UnitRow = Prisma.OrgUnitGetPayload<{ select: typeof UNIT_SELECT }>;

const PERSON_SELECT = {
  id: true, name: true, phone: true, role: true, unitId: true, active: true, deactivatedAt: true, login: true,
  externalSubject: true, apiKeyHash: true, createdAt: true,
} as const;
type PersonRow = Prisma.PersonGetPayload<{ select: typeof PERSON_SELECT }>;

/** A person as the admin routes show it (never a hash). */
export function personView(p: PersonRow) {
  const { apiKeyHash, ...rest } = p;
  return { ...rest, hasApiKey: apiKeyHash !== null };
}

async function actorDistrict(db: Pick<Db, 'orgUnit'>, actor: AdminActor): Promise<string> {
  const d = await districtOf(db, actor.unitId);
  if (!d) throw new AdminError('FORBIDDEN', 'your unit belongs to no district');
  return d;
}

async function sameDistrict(db: Pick<Db, 'orgUnit'>, district: string, unitId: string, what: string): Promise<void> {
  if ((await districtOf(db, unitId)) !== district) throw new AdminError('FORBIDDEN', `${what} belongs to another district than yours`);
}

async function openCaseSample(tx: Tx, unit: { id: string; kind: string }): Promise<{ count: number; codes: string[] }> {
  const where = openCasesWhere(unit);
  const [count, rows] = await Promise.all([
    tx.case.count({ where }),
    tx.case.findMany({ where, select: { code: true }, orderBy: { code: 'asc' }, take: 3 }),
  ]);
  return { count, codes: rows.map((r) => r.code) };
}

function refuseOpenCases(unit: { id: string }, open: { count: number; codes: string[] }, what: string): void {
  if (open.count === 0) return;
  throw conflict('OPEN_CASES', `cannot ${what} unit ${unit.id}: it has ${open.count} open case(s) (${open.codes.join(', ')}${open.count > open.codes.length ? ', …' : ''}); close or move them first`);
}

/** 400 for grid-only / community-or-grid-only fields given to another kind. */
function fieldsForKind(kind: UnitKind, b: { addressKeywords?: unknown; lat?: unknown; lng?: unknown; households?: unknown }): void {
  const bad: Array<{ path: string; message: string }> = [];
  for (const f of ['addressKeywords', 'lat', 'lng'] as const) {
    if (b[f] !== undefined && b[f] !== null && kind !== 'GRID') bad.push({ path: f, message: `only grids have ${f} (this is a ${kind})` });
  }
  if (b.households !== undefined && b.households !== null && kind !== 'GRID' && kind !== 'COMMUNITY') {
    bad.push({ path: 'households', message: `only communities and grids count households (this is a ${kind})` });
  }
  if (bad.length) throw invalid(bad);
}

/** An address keyword routes reports to one grid only. */
async function refuseTakenKeywords(tx: Tx, gridId: string, keywords: readonly string[] | undefined): Promise<void> {
  if (!keywords?.length) return;
  const owners = await tx.orgUnit.findMany({
    where: { kind: 'GRID', active: true, id: { not: gridId }, addressKeywords: { hasSome: [...keywords] } },
    select: { id: true, addressKeywords: true },
  });
  if (!owners.length) return;
  const taken = keywords.filter((k) => owners.some((o) => o.addressKeywords.includes(k)));
  throw conflict('KEYWORD_TAKEN', `address keyword(s) ${taken.map((k) => `"${k}"`).join(', ')} already route to ${owners.map((o) => o.id).join(', ')}`);
}

const KIND_LETTER: Record<UnitKind, string> = { DISTRICT: '', STREET: 'S', COMMUNITY: 'C', GRID: 'G', DEPARTMENT: 'D' };

/**
 * A generated unit id in the seed's style: the parent's id, the kind's letter and the next free
 * number (GL-S01-C01 → GL-S01-C01-G03). Departments: GL-D-<random>. A race with another
 * admin ends in the primary key's 409, not a duplicate.
 */
async function nextUnitId(tx: Tx, kind: UnitKind, parentId: string): Promise<string> {
  if (kind === 'DEPARTMENT') return `${parentId}-D-${randomBytes(3).toString('hex').toUpperCase()}`;
  const prefix = `${parentId}-${KIND_LETTER[kind]}`;
  const siblings = await tx.orgUnit.findMany({ where: { id: { startsWith: prefix } }, select: { id: true } });
  let max = 0;
  for (const s of siblings) {
    const m = /^(\d+)$/.exec(s.id.slice(prefix.length));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${prefix}${String(max + 1).padStart(2, '0')}`;
}

export interface UnitInput {
  id?: string;
  kind: UnitKind;
  name: string;
  parentId: string;
  addressKeywords?: string[];
  lat?: number | null;
  lng?: number | null;
  households?: number | null;
}

export interface UnitPatch {
  name?: string;
  parentId?: string;
  addressKeywords?: string[];
  lat?: number | null;
  lng?: number | null;
  households?: number | null;
}

export interface UnitQuery {
  kind?: UnitKind;
  parentId?: string;
  active?: boolean;
  q?: string;
  page: number;
  pageSize: number;
}

export interface PersonInput {
  id?: string;
  name: string;
  phone?: string | null;
  role: Role;
  unitId: string;
  login?: string;
  externalSubject?: string | null;
}

export interface PersonPatch {
  name?: string;
  phone?: string | null;
  role?: Role;
  unitId?: string;
  externalSubject?: string | null;
}

export interface PersonQuery {
  unitId?: string;
  role?: Role;
  active?: boolean;
  q?: string;
  page: number;
  pageSize: number;
}

/**
 * Refuse taking `person` out of its post (deactivating, moving, changing its role) when it is
 * the last active holder of that post and the unit has open cases: those cases would have
 * nobody to hold them until the reassignment runs. Add the successor first.
 */
export async function refuseLastHolder(tx: Tx, person: { id: string; role: Role; unitId: string }, what: string): Promise<void> {
  if (!CASE_HOLDING_ROLES.has(person.role)) return;
  const others = await tx.person.count({ where: { active: true, role: person.role, unitId: person.unitId, id: { not: person.id } } });
  if (others > 0) return;
  const unit = await tx.orgUnit.findUnique({ where: { id: person.unitId }, select: { id: true, kind: true } });
  if (!unit) return;
  const open = await openCaseSample(tx, unit);
  if (open.count === 0) return;
  throw conflict(
    'LAST_HOLDER_WITH_OPEN_CASES',
    `cannot ${what} ${person.id}: the last active ${person.role} of ${unit.id}, which has ${open.count} open case(s) (${open.codes.join(', ')}${open.count > open.codes.length ? ', …' : ''}); add another ${person.role} there first`,
  );
}

export interface OrgDeps {
  db: Db;
  now?: () => number;
}

export function createOrgAdmin(deps: OrgDeps) {
  const { db } = deps;
  const now = () => new Date((deps.now ?? Date.now)());

  async function loadUnit(tx: Pick<Db, 'orgUnit'>, district: string, id: string): Promise<UnitRow> {
    const unit = await tx.orgUnit.findUnique({ where: { id }, select: UNIT_SELECT });
    if (!unit) throw notFound(`unit ${id}`);
    await sameDistrict(tx, district, unit.id, `unit ${id}`);
    return unit;
  }

  async function loadPerson(tx: Pick<Db, 'orgUnit' | 'person'>, district: string, id: string): Promise<PersonRow> {
    const person = await tx.person.findUnique({ where: { id }, select: PERSON_SELECT });
    if (!person) throw notFound(`person ${id}`);
    await sameDistrict(tx, district, person.unitId, `person ${id}`);
    return person;
  }

  /** Run a change in one transaction; a concurrent change of the same entity (same version) is a 409. */
  const inTx = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    inChangeTx(
      db,
      fn,
      [
        [/login/, 'LOGIN_TAKEN', 'that login is taken'],
        [/externalSubject/, 'SUBJECT_TAKEN', 'that single sign-on subject belongs to another person'],
        [/version/, 'CONCURRENT_CHANGE', 'someone else changed this at the same moment: read it again and retry'],
      ],
      ['ID_TAKEN', 'that id is taken'],
    );

  return {
    // ---- units ----------------------------------------------------------------------------

    async listUnits(actor: AdminActor, q: UnitQuery) {
      const district = await actorDistrict(db, actor);
      const where: Prisma.OrgUnitWhereInput = {
        AND: [
          inDistrict(district),
          {
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.parentId ? { parentId: q.parentId } : {}),
            ...(q.active !== undefined ? { active: q.active } : {}),
            ...(q.q ? { OR: [{ name: { contains: q.q } }, { id: { contains: q.q } }] } : {}),
          },
        ],
      };
      const [items, total] = await Promise.all([
        db.orgUnit.findMany({ where, select: UNIT_SELECT, orderBy: [{ kind: 'asc' }, { id: 'asc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
        db.orgUnit.count({ where }),
      ]);
      return { items, page: q.page, pageSize: q.pageSize, total };
    },

    async getUnit(actor: AdminActor, id: string) {
      const district = await actorDistrict(db, actor);
      const unit = await loadUnit(db, district, id);
      const [children, people, openCases] = await Promise.all([
        db.orgUnit.count({ where: { parentId: id, active: true } }),
        db.person.count({ where: { unitId: id, active: true } }),
        db.case.count({ where: openCasesWhere(unit) }),
      ]);
      return { ...unit, activeChildren: children, activePeople: people, openCases };
    },

    async createUnit(actor: AdminActor, input: UnitInput) {
      return inTx(async (tx) => {
        const district = await actorDistrict(tx, actor);
        if (input.kind === 'DISTRICT') throw invalid([{ path: 'kind', message: 'districts are created by deployment (the seed), not through the API' }]);
        fieldsForKind(input.kind, input);
        const parent = await tx.orgUnit.findUnique({ where: { id: input.parentId }, select: { id: true, kind: true, active: true } });
        if (!parent) throw invalid([{ path: 'parentId', message: `no unit ${input.parentId}` }]);
        await sameDistrict(tx, district, parent.id, `unit ${parent.id}`);
        const kindProblem = parentKindProblem(input.kind, parent.kind);
        if (kindProblem) throw conflict('WRONG_PARENT_KIND', kindProblem);
        if (!parent.active) throw conflict('PARENT_INACTIVE', `unit ${parent.id} is deactivated`);
        const id = input.id ?? (await nextUnitId(tx, input.kind, parent.id));
        if (await tx.orgUnit.findUnique({ where: { id }, select: { id: true } })) throw conflict('ID_TAKEN', `unit ${id} exists`);
        if (input.kind === 'GRID') await refuseTakenKeywords(tx, id, input.addressKeywords);
        const unit = await tx.orgUnit.create({
          data: {
            id,
            kind: input.kind,
            name: input.name,
            parentId: parent.id,
            addressKeywords: input.addressKeywords ?? [],
            lat: input.lat ?? null,
            lng: input.lng ?? null,
            households: input.households ?? null,
          },
          select: UNIT_SELECT,
        });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'UNIT', entityId: id, action: 'CREATE', actorId: actor.personId, districtId: district, at: now(),
          before: null, after: unit, unitIds: [id, parent.id], personIds: [],
        });
        return { ...unit, version: change.version };
      });
    },

    async updateUnit(actor: AdminActor, id: string, patch: UnitPatch) {
      return inTx(async (tx) => {
        const district = await actorDistrict(tx, actor);
        const unit = await loadUnit(tx, district, id);
        fieldsForKind(unit.kind, patch);
        const moving = patch.parentId !== undefined && patch.parentId !== unit.parentId;
        if (moving) {
          const newParentId = patch.parentId as string;
          if (unit.kind === 'DISTRICT') throw conflict('WRONG_PARENT_KIND', parentKindProblem('DISTRICT', 'DISTRICT') as string);
          if (!unit.active) throw conflict('INACTIVE', `unit ${id} is deactivated`);
          const parent = await tx.orgUnit.findUnique({ where: { id: newParentId }, select: { id: true, kind: true, active: true, parentId: true } });
          if (!parent) throw invalid([{ path: 'parentId', message: `no unit ${newParentId}` }]);
          await sameDistrict(tx, district, parent.id, `unit ${parent.id}`);
          // The ancestors of the new parent (at most 4 levels): is the unit among them?
          const parents = new Map<string, string | null>([[parent.id, parent.parentId]]);
          for (let p = parent.parentId, depth = 0; p && depth < 8; depth++) {
            const row = await tx.orgUnit.findUnique({ where: { id: p }, select: { parentId: true } });
            parents.set(p, row?.parentId ?? null);
            p = row?.parentId ?? null;
          }
          if (wouldCreateCycle(id, parent.id, (x) => parents.get(x))) {
            throw conflict('CYCLE', `cannot move ${id} under ${parent.id}: ${parent.id === id ? 'a unit cannot be its own parent' : `${parent.id} lies under ${id}`}`);
          }
          const kindProblem = parentKindProblem(unit.kind, parent.kind);
          if (kindProblem) throw conflict('WRONG_PARENT_KIND', kindProblem);
          if (!parent.active) throw conflict('PARENT_INACTIVE', `unit ${parent.id} is deactivated`);
          // Open cases carry their street / community ids: moving the unit would leave them
          // filed under a place it no longer belongs to.
          refuseOpenCases(unit, await openCaseSample(tx, unit), 'move');
        }
        if (unit.kind === 'GRID' && patch.addressKeywords) await refuseTakenKeywords(tx, id, patch.addressKeywords);
        const updated = await tx.orgUnit.update({
          where: { id },
          data: {
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(moving ? { parentId: patch.parentId } : {}),
            ...(patch.addressKeywords !== undefined ? { addressKeywords: patch.addressKeywords } : {}),
            ...(patch.lat !== undefined ? { lat: patch.lat } : {}),
            ...(patch.lng !== undefined ? { lng: patch.lng } : {}),
            ...(patch.households !== undefined ? { households: patch.households } : {}),
          },
          select: UNIT_SELECT,
        });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'UNIT', entityId: id, action: moving ? 'MOVE' : 'UPDATE', actorId: actor.personId, districtId: district, at: now(),
          before: unit, after: updated, unitIds: [id, unit.parentId ?? '', updated.parentId ?? ''], personIds: [],
        });
        return { ...updated, version: change.version };
      });
    },

    async deactivateUnit(actor: AdminActor, id: string) {
      return inTx(async (tx) => {
        const district = await actorDistrict(tx, actor);
        const unit = await loadUnit(tx, district, id);
        if (unit.kind === 'DISTRICT') throw conflict('DISTRICT', 'a district is not deactivated through the API');
        if (!unit.active) throw conflict('ALREADY_INACTIVE', `unit ${id} is already deactivated`);
        refuseOpenCases(unit, await openCaseSample(tx, unit), 'deactivate');
        const children = await tx.orgUnit.findMany({ where: { parentId: id, active: true }, select: { id: true }, take: 5 });
        if (children.length) throw conflict('ACTIVE_CHILDREN', `unit ${id} still has active units under it (${children.map((c) => c.id).join(', ')}): deactivate or move them first`);
        const people = await tx.person.findMany({ where: { unitId: id, active: true }, select: { id: true }, take: 5 });
        if (people.length) throw conflict('ACTIVE_PEOPLE', `unit ${id} still has active people (${people.map((p) => p.id).join(', ')}): deactivate or move them first`);
        if (unit.kind === 'DEPARTMENT') {
          // The catalog suggests this department to streets calling for help: it must stop first.
          const naming = await tx.matterCategory.findMany({ where: { active: true, departmentIds: { has: id } }, select: { code: true }, take: 5 });
          if (naming.length) throw conflict('DEPARTMENT_IN_CATALOG', `department ${id} is named by active categories (${naming.map((c) => c.code).join(', ')}): edit them first`);
        }
        const at = now();
        const updated = await tx.orgUnit.update({ where: { id }, data: { active: false, deactivatedAt: at }, select: UNIT_SELECT });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'UNIT', entityId: id, action: 'DEACTIVATE', actorId: actor.personId, districtId: district, at,
          before: unit, after: updated, unitIds: [id, unit.parentId ?? ''], personIds: [],
        });
        return { ...updated, version: change.version };
      });
    },

    // ---- people ---------------------------------------------------------------------------

    async listPeople(actor: AdminActor, q: PersonQuery) {
      const district = await actorDistrict(db, actor);
      const where: Prisma.PersonWhereInput = {
        unit: inDistrict(district),
        ...(q.unitId ? { unitId: q.unitId } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(q.active !== undefined ? { active: q.active } : {}),
        ...(q.q ? { OR: [{ name: { contains: q.q } }, { id: { contains: q.q } }, { login: { contains: q.q.toLowerCase() } }] } : {}),
      };
      const [rows, total] = await Promise.all([
        db.person.findMany({ where, select: PERSON_SELECT, orderBy: { id: 'asc' }, skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
        db.person.count({ where }),
      ]);
      return { items: rows.map(personView), page: q.page, pageSize: q.pageSize, total };
    },

    async getPerson(actor: AdminActor, id: string) {
      const district = await actorDistrict(db, actor);
      return personView(await loadPerson(db, district, id));
    },

    async createPerson(actor: AdminActor, input: PersonInput) {
      return inTx(async (tx) => {
        const district = await actorDistrict(tx, actor);
        const unit = await tx.orgUnit.findUnique({ where: { id: input.unitId }, select: { id: true, kind: true, active: true } });
        if (!unit) throw invalid([{ path: 'unitId', message: `no unit ${input.unitId}` }]);
        await sameDistrict(tx, district, unit.id, `unit ${unit.id}`);
        const roleProblem = roleUnitProblem(input.role, unit.kind);
        if (roleProblem) throw invalid([{ path: 'role', message: roleProblem }]);
        if (!unit.active) throw conflict('UNIT_INACTIVE', `unit ${unit.id} is deactivated`);
        const login = input.login !== undefined ? normalizeLogin(input.login) : null;
        if (login !== null && !LOGIN_PATTERN.test(login)) throw invalid([{ path: 'login', message: 'a login is 3–64 of a-z 0-9 . _ @ -' }]);
        const id = input.id ?? `p-${randomBytes(6).toString('hex')}`;
        if (await tx.person.findUnique({ where: { id }, select: { id: true } })) throw conflict('ID_TAKEN', `person ${id} exists`);
        const person = await tx.person.create({
          data: { id, name: input.name, phone: input.phone ?? null, role: input.role, unitId: unit.id, login, externalSubject: input.externalSubject ?? null },
          select: PERSON_SELECT,
        });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'PERSON', entityId: id, action: 'CREATE', actorId: actor.personId, districtId: district, at: now(),
          before: null, after: personView(person), unitIds: [unit.id], personIds: [id],
        });
        return { ...personView(person), version: change.version };
      });
    },

    async updatePerson(actor: AdminActor, id: string, patch: PersonPatch) {
      return inTx(async (tx) => {
        const district = await actorDistrict(tx, actor);
        const person = await loadPerson(tx, district, id);
        if (!person.active) throw conflict('DEACTIVATED', `person ${id} is deactivated`);
        const role = patch.role ?? person.role;
        const unitId = patch.unitId ?? person.unitId;
        const moving = role !== person.role || unitId !== person.unitId;
        if (moving) {
          if (id === actor.personId) throw conflict('SELF_CHANGE', 'you cannot change your own role or unit');
          const unit = await tx.orgUnit.findUnique({ where: { id: unitId }, select: { id: true, kind: true, active: true } });
          if (!unit) throw invalid([{ path: 'unitId', message: `no unit ${unitId}` }]);
          await sameDistrict(tx, district, unit.id, `unit ${unit.id}`);
          const roleProblem = roleUnitProblem(role, unit.kind);
          if (roleProblem) throw invalid([{ path: patch.role !== undefined ? 'role' : 'unitId', message: roleProblem }]);
          if (!unit.active) throw conflict('UNIT_INACTIVE', `unit ${unit.id} is deactivated`);
          await refuseLastHolder(tx, person, 'move');
        }
        const updated = await tx.person.update({
          where: { id },
          data: {
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
            ...(patch.externalSubject !== undefined ? { externalSubject: patch.externalSubject } : {}),
            ...(moving ? { role, unitId } : {}),
          },
          select: PERSON_SELECT,
        });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'PERSON', entityId: id, action: moving ? 'MOVE' : 'UPDATE', actorId: actor.personId, districtId: district, at: now(),
          before: personView(person), after: personView(updated), unitIds: [person.unitId, updated.unitId], personIds: [id],
        });
        return { ...personView(updated), version: change.version };
      });
    },

    /**
     * Runs inside the existing deactivation (POST /admin/people/{id}/deactivate, features/auth
     * accounts), in its transaction: refuses the last holder of a post with open cases and
     * writes the change row.
     */
    async onPersonDeactivate(tx: Tx, actor: AdminActor, personId: string, at: Date): Promise<void> {
      const district = await actorDistrict(tx, actor);
      const person = await loadPerson(tx, district, personId);
      await refuseLastHolder(tx, person, 'deactivate');
      const before = personView(person);
      await afterDirectoryChange(tx, {
        entityKind: 'PERSON', entityId: personId, action: 'DEACTIVATE', actorId: actor.personId, districtId: district, at,
        before, after: { ...before, active: false, deactivatedAt: at }, unitIds: [person.unitId], personIds: [personId],
      });
    },
  };
}

export type OrgAdmin = ReturnType<typeof createOrgAdmin>;

/** A client-chosen id must match this (ids are also generated when left out). */
export { ENTITY_ID_PATTERN };
