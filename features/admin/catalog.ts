// The matter catalog (事项清单) an administrator keeps: categories with their windows, triage,
// default level, completion days, departments, keywords and Open311 attributes. A running case
// copied its policy at intake (domain/policy buildCasePolicy), so an edit here never moves its
// deadlines; only cases reported afterwards run under the new windows.
import type { MatterCategory, Prisma } from '../../generated/prisma/client';
import { buildCasePolicy, PolicyError, type PolicyConfig, type WindowOverrides } from '../../domain/policy';
import type { Db } from '../../platform/db';
import type { ServiceAttributeInput } from '../open311/attributes';
import { afterDirectoryChange, inChangeTx, type Tx } from './changes';
import { conflict, invalid, notFound } from './errors';
import type { AdminActor } from './org';

export interface CategoryInput {
  code: string;
  name: string;
  description?: string;
  group?: string;
  keywords?: string[];
  triage: 'BIG' | 'SMALL' | 'PRIVATE';
  defaultLevel?: 'GRID' | 'STREET';
  completionDays: number;
  urgent?: boolean;
  windowOverrides?: WindowOverrides;
  departmentIds?: string[];
  attributes?: ServiceAttributeInput[];
}

export type CategoryPatch = Partial<Omit<CategoryInput, 'code'>> & { active?: boolean };

export interface CategoryQuery {
  active?: boolean;
  group?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** The catalog row as the admin routes show it. */
export function categoryView(c: MatterCategory) {
  return { ...c, windowOverrides: c.windowOverrides ?? {}, attributes: c.attributes ?? [] };
}

export interface CatalogDeps {
  db: Db;
  cfg: PolicyConfig;
  now?: () => number;
}

export function createCatalogAdmin(deps: CatalogDeps) {
  const { db } = deps;
  const now = () => new Date((deps.now ?? Date.now)());

  /**
   * What the schema at the edge cannot see: the windows must make a policy with this
   * configuration (e.g. an on-site window only for urgent categories), and every department
   * id must name a department.
   */
  async function refuseInvalid(tx: Tx, c: { urgent: boolean; completionDays: number; windowOverrides: unknown; departmentIds: string[] }): Promise<void> {
    const fields: Array<{ path: string; message: string }> = [];
    try {
      buildCasePolicy(c, deps.cfg);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      fields.push({ path: err.setting, message: err.message });
    }
    if (c.departmentIds.length) {
      const found = await tx.orgUnit.findMany({ where: { id: { in: c.departmentIds } }, select: { id: true, kind: true, active: true } });
      c.departmentIds.forEach((id, i) => {
        const u = found.find((f) => f.id === id);
        if (!u) fields.push({ path: `departmentIds.${i}`, message: `no unit ${id}` });
        else if (u.kind !== 'DEPARTMENT') fields.push({ path: `departmentIds.${i}`, message: `${id} is a ${u.kind}, not a department` });
        else if (!u.active) fields.push({ path: `departmentIds.${i}`, message: `department ${id} is deactivated` });
      });
    }
    if (fields.length) throw invalid(fields);
  }

  const inTx = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    inChangeTx(db, fn, [[/version/, 'CONCURRENT_CHANGE', 'someone else changed this category at the same moment: read it again and retry']], ['CODE_TAKEN', 'that category code is taken']);

  return {
    async list(q: CategoryQuery) {
      const where: Prisma.MatterCategoryWhereInput = {
        ...(q.active !== undefined ? { active: q.active } : {}),
        ...(q.group ? { group: q.group } : {}),
        ...(q.q ? { OR: [{ name: { contains: q.q } }, { code: { contains: q.q } }, { keywords: { has: q.q } }] } : {}),
      };
      const [rows, total] = await Promise.all([
        db.matterCategory.findMany({ where, orderBy: { code: 'asc' }, skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
        db.matterCategory.count({ where }),
      ]);
      return { items: rows.map(categoryView), page: q.page, pageSize: q.pageSize, total };
    },

    async get(code: string) {
      const c = await db.matterCategory.findUnique({ where: { code } });
      if (!c) throw notFound(`category ${code}`);
      return categoryView(c);
    },

    async create(actor: AdminActor, input: CategoryInput) {
      return inTx(async (tx) => {
        if (await tx.matterCategory.findUnique({ where: { code: input.code }, select: { code: true } })) {
          throw conflict('CODE_TAKEN', `category ${input.code} exists`);
        }
        const data = {
          name: input.name,
          description: input.description ?? '',
          group: input.group ?? '',
          keywords: input.keywords ?? [],
          triage: input.triage,
          defaultLevel: input.defaultLevel ?? 'GRID',
          completionDays: input.completionDays,
          urgent: input.urgent ?? false,
          windowOverrides: (input.windowOverrides ?? {}) as Prisma.InputJsonValue,
          departmentIds: input.departmentIds ?? [],
          attributes: (input.attributes ?? []) as Prisma.InputJsonValue,
        };
        await refuseInvalid(tx, data);
        const row = await tx.matterCategory.create({ data: { code: input.code, ...data } });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'CATEGORY', entityId: row.code, action: 'CREATE', actorId: actor.personId, districtId: null, at: now(),
          before: null, after: categoryView(row), unitIds: row.departmentIds, personIds: [],
        });
        return { ...categoryView(row), version: change.version };
      });
    },

    async update(actor: AdminActor, code: string, patch: CategoryPatch, action: 'UPDATE' | 'DEACTIVATE' = 'UPDATE') {
      return inTx(async (tx) => {
        const before = await tx.matterCategory.findUnique({ where: { code } });
        if (!before) throw notFound(`category ${code}`);
        if (action === 'DEACTIVATE' && !before.active) throw conflict('ALREADY_INACTIVE', `category ${code} is already deactivated`);
        const merged = {
          urgent: patch.urgent ?? before.urgent,
          completionDays: patch.completionDays ?? before.completionDays,
          windowOverrides: patch.windowOverrides ?? before.windowOverrides,
          departmentIds: patch.departmentIds ?? before.departmentIds,
        };
        await refuseInvalid(tx, merged);
        const { windowOverrides, attributes, ...plain } = patch;
        const row = await tx.matterCategory.update({
          where: { code },
          data: {
            ...plain,
            ...(windowOverrides !== undefined ? { windowOverrides: windowOverrides as Prisma.InputJsonValue } : {}),
            ...(attributes !== undefined ? { attributes: attributes as Prisma.InputJsonValue } : {}),
          },
        });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'CATEGORY', entityId: code, action, actorId: actor.personId, districtId: null, at: now(),
          before: categoryView(before), after: categoryView(row), unitIds: [...new Set([...before.departmentIds, ...row.departmentIds])], personIds: [],
        });
        return { ...categoryView(row), version: change.version };
      });
    },
  };
}

export type CatalogAdmin = ReturnType<typeof createCatalogAdmin>;
