// The parts of the API's answers the console reads. Declared here rather than imported from
// api/schemas: the browser bundle must not pull server code (zod schemas, Prisma types).
// Only pure type aliases of domain/ are shared, type-only (erased at build; eslint enforces it).
import type { CaseStatus, Level, Role, WindowKind } from '../../domain/types';

export type { CaseStatus, Level, Role, WindowKind };

export interface FieldError {
  path: string;
  message: string;
}

export interface Me {
  personId: string;
  name: string;
  role: Role;
  unitId: string;
  unit: { id: string; kind: string; name: string } | null;
}

export interface CaseRecord {
  code: string;
  channel: string;
  categoryCode: string;
  triage: 'BIG' | 'SMALL' | 'PRIVATE';
  streetId: string;
  communityId: string;
  gridId: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  description: string;
  status: CaseStatus;
  level: Level;
  assigneeId: string | null;
  assigneeUnitId: string | null;
  /** The earliest deadline in force (ISO), null when no window is open. */
  dueAt: string | null;
  overdue: boolean;
  breachCount: number;
  reportedAt: string;
  closedAt: string | null;
}

export interface CaseList {
  items: CaseRecord[];
  page: number;
  pageSize: number;
  total: number;
}

/** An open window of the live state; instants are epoch milliseconds. */
export interface LiveWindow {
  id: string;
  kind: WindowKind | string;
  dueAt: number;
  remindAt: number | null;
  level?: Level;
  unitId?: string;
}

export interface CaseDetail {
  code: string;
  record: CaseRecord | null;
  live: {
    status: CaseStatus;
    level: Level;
    assignee: { level: Level; unitId: string; personId: string | null; personName?: string | null };
    windows: LiveWindow[];
    completionDueAt: number | null;
  } | null;
}

export interface CaseEvent {
  seq: number;
  type: string;
  at: string;
  actorId: string | null;
  actorRole: string | null;
  unitId: string | null;
  level: string | null;
  data: Record<string, unknown>;
}

export interface AllowedAction {
  action: string;
  method: 'POST';
  path: string;
  params: Record<string, string>;
  allowed: boolean;
  reason?: { code: string; message: string };
}
