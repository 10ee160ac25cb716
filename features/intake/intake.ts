// A new report becomes a case: resolve everything the case needs (category, grid, the
// people at each level, department officers, the calendar, the policy), take a case
// code, and start the case workflow. The API writes no Case row: the workflow's first
// activity does, so a failed start leaves no half-created case behind.
//
// Idempotency-Key: the key row (key → case code + request hash) is written BEFORE the
// workflow starts. A retry with the same key and body finds it and returns the same
// case, starting the workflow with USE_EXISTING if the first attempt died before starting
// it; the same key with another body is refused.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/env';
import { workflowIdForCase } from '../../domain/caseCode';
import { LEVELS, type Actor, type Assignment, type CaseIntake, type Channel, type EvidenceKind, type Level, type OpenWindow } from '../../domain/types';
import { CaseMachine } from '../../workflows/caseMachine';
import { ladderForPlace, triageStartLevel } from '../../domain/triage';
import { CASE_WORKFLOW_TYPE, type CaseOptions, type CaseWorkflowInput } from '../../workflows/messages';
import { CaseCategoryKey, CaseGridKey, CaseLevelKey, CaseOverdueKey, CaseStatusKey, CaseStreetKey } from '../../workflows/searchAttributes';
import { allocateCaseCode } from './caseCodes';
import { grpcStatusOf } from '../../platform/temporalConnection';
import type { Db } from '../../platform/db';
import type { DirectoryCache } from '../directory/directory';
import { buildCasePolicy } from '../../domain/policy';
import { DomainError, type FieldError } from '../../domain/errors';

/** A report as the API accepted it (already shape-checked). */
export interface NewCaseRequest {
  channel: Channel;
  categoryCode: string;
  location: { gridId?: string; address?: string; lat?: number; lng?: number };
  description: string;
  reporter: { name?: string; phone?: string; email?: string };
  photoUrls: string[];
}

/** One field the catalog or the directory refused. */
export type IntakeFieldError = FieldError;

/**
 * A report that cannot become a case (INVALID: BadInput, VALIDATION_FAILED with its fields)
 * or a reused Idempotency-Key (IDEMPOTENCY_CONFLICT: Conflict, IDEMPOTENCY_KEY_REUSED).
 */
export class IntakeError extends DomainError {
  override name = 'IntakeError';
  constructor(
    readonly reason: 'INVALID' | 'IDEMPOTENCY_CONFLICT',
    message: string,
    readonly fields: IntakeFieldError[] = [],
  ) {
    super(
      reason === 'INVALID' ? 'BadInput' : 'Conflict',
      reason === 'INVALID' ? 'VALIDATION_FAILED' : 'IDEMPOTENCY_KEY_REUSED',
      message,
      reason === 'INVALID' ? { fields } : {},
    );
  }
}

/** A window as the API shows it: instants in ISO 8601. */
export interface WindowView {
  id: string;
  kind: OpenWindow['kind'];
  clock: OpenWindow['clock'];
  level: Level;
  unitId: string;
  startedAt: string;
  dueAt: string;
  remindAt: string | null;
}

/** The answer to a new report. */
export interface CaseCreated {
  code: string;
  workflowId: string;
  status: 'REPORTED';
  level: Level;
  assignee: Assignment;
  reportedAt: string;
  windows: WindowView[];
  links: { self: string; events: string };
  /** The files sent with the report, as recorded (only when there were any). */
  files?: Array<{ kind: EvidenceKind; url: string; sha256: string; receivedSha256?: string }>;
}

export interface IntakeOutcome {
  created: CaseCreated;
  /** True when an Idempotency-Key matched an earlier identical request. */
  replayed: boolean;
}

export interface IntakeDeps {
  db: Pick<Db, '$queryRaw' | 'idempotencyKey'>;
  temporal: Client;
  cfg: AppConfig;
  directory: DirectoryCache;
  logger?: Logger;
  now?: () => number;
}

export interface IntakeCommand {
  request: NewCaseRequest;
  actor: Actor;
  /** The client's Idempotency-Key header, if any (1..200 characters). */
  idempotencyKey?: string;
  /** The Open311 client application filing the report (Case.clientAppId), if any. */
  clientAppId?: string;
  /** Files already stored (features/evidence) to record with the report, in the order sent. */
  files?: StoredIntakeFile[];
}

/** A file the API stored for a report: recorded on the case as EVIDENCE_UPLOADED at intake. */
export interface StoredIntakeFile {
  kind: EvidenceKind;
  sha256: string;
  receivedSha256: string;
}

/** Where a case's file is read (api/routes/evidenceFiles): what its fact records as `url`. */
export const evidenceFileUrl = (code: string, sha256: string): string => `/cases/${encodeURIComponent(code)}/evidence/files/${sha256}`;

/** An API view of a window (ISO instants). */
export function windowView(w: OpenWindow): WindowView {
  return {
    id: w.id,
    kind: w.kind,
    clock: w.clock,
    level: w.level,
    unitId: w.unitId,
    startedAt: new Date(w.startedAt).toISOString(),
    dueAt: new Date(w.dueAt).toISOString(),
    remindAt: w.remindAt === null ? null : new Date(w.remindAt).toISOString(),
  };
}

/** The answer for a case started with `input` (a pure function of the input, so a replay answers the same). */
export function caseCreatedFrom(input: CaseWorkflowInput): CaseCreated {
  const { intake } = input;
  // The case as its workflow starts it (the machine is pure): its holder and the windows it opens,
  // a fast-tracked big matter's REPORT windows of the departments called at intake too (政府快办).
  const first = new CaseMachine(input, intake.reportedAt).state;
  const code = intake.code;
  return {
    code,
    workflowId: workflowIdForCase(code),
    status: 'REPORTED',
    level: first.level,
    assignee: first.assignee,
    reportedAt: new Date(intake.reportedAt).toISOString(),
    windows: first.windows.map(windowView),
    links: { self: `/cases/${encodeURIComponent(code)}`, events: `/cases/${encodeURIComponent(code)}/events` },
    ...(intake.files?.length ? { files: intake.files.map((f) => ({ ...f })) } : {}),
  };
}

/** JSON with object keys sorted and undefined dropped: equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 of the canonical request: what an Idempotency-Key is bound to. Files count by the
 * hash of the bytes received, so a retry sending the same photos replays; a request without
 * files hashes exactly as before files existed.
 */
export function requestHash(request: NewCaseRequest, files: readonly StoredIntakeFile[] = []): string {
  const bound = files.length ? { ...request, files: files.map((f) => f.receivedSha256) } : request;
  return createHash('sha256').update(canonicalJson(bound)).digest('hex');
}

// gRPC statuses after which the start may or may not have happened on the server.
const AMBIGUOUS_GRPC = new Set([1 /* CANCELLED */, 2 /* UNKNOWN */, 4 /* DEADLINE_EXCEEDED */]);

/** Whether a failed createCase may still have started the case (then its files must stay). */
export function caseMayHaveStarted(err: unknown): boolean {
  const status = grpcStatusOf(err);
  return status !== undefined && AMBIGUOUS_GRPC.has(status);
}

function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

/** Everything the workflow input needs except the code; 400 listing every field the directory refuses. */
async function resolveCase(deps: IntakeDeps, cmd: IntakeCommand, reportedAt: number): Promise<(code: string) => CaseWorkflowInput> {
  const { request, actor } = cmd;
  const [category, grid] = await Promise.all([
    deps.directory.getCategory(request.categoryCode),
    deps.directory.resolveGrid(request.location),
  ]);
  const fields: IntakeFieldError[] = [];
  if (!category) fields.push({ path: 'body.categoryCode', message: `unknown category "${request.categoryCode}" (GET /categories lists them)` });
  if (!grid) {
    const l = request.location;
    const how = l.gridId ? `no grid with id "${l.gridId}"` : 'no grid matches this address or position';
    fields.push({ path: 'body.location', message: how });
  }
  if (!category || !grid) throw new IntakeError('INVALID', 'the report cannot be routed', fields);

  const [directory, departmentOfficers, calendar] = await Promise.all([
    deps.directory.levelDirectory(grid.units),
    deps.directory.departmentOfficers(),
    deps.directory.loadCalendar(),
  ]);
  const policy = buildCasePolicy(category, deps.cfg);
  // A ladder naming the community (层层) skips it where the grid has none.
  policy.ladder = ladderForPlace(policy.ladder, directory);
  const catalogLevel: Level = isLevel(category.defaultLevel) ? category.defaultLevel : 'GRID';
  // The kind's route (三事分流, policy.triage): a small matter starts with its grid's community, a big one at its category's level.
  const startLevel = triageStartLevel(category.triage, catalogLevel, directory, policy.triage);
  const { location } = request;

  return (code) => {
    const intake: CaseIntake = {
      code,
      channel: request.channel,
      categoryCode: category.code,
      categoryName: category.name,
      triage: category.triage,
      urgent: category.urgent,
      startLevel,
      units: grid.units,
      ...(location.address !== undefined ? { address: location.address } : {}),
      ...(location.lat !== undefined && location.lng !== undefined ? { lat: location.lat, lng: location.lng } : {}),
      description: request.description,
      reporter: request.reporter,
      photoUrls: request.photoUrls,
      ...(cmd.files?.length
        ? {
            files: cmd.files.map((f) => ({
              kind: f.kind,
              url: evidenceFileUrl(code, f.sha256),
              sha256: f.sha256,
              ...(f.receivedSha256 !== f.sha256 ? { receivedSha256: f.receivedSha256 } : {}),
            })),
          }
        : {}),
      reportedAt,
      reportedBy: { personId: actor.personId, role: actor.role, unitId: actor.unitId, ...(actor.name ? { name: actor.name } : {}) },
      ...(cmd.clientAppId !== undefined ? { clientAppId: cmd.clientAppId } : {}),
      suggestedDepartmentIds: category.departmentIds,
    };
    return {
      intake,
      policy,
      calendar,
      directory,
      departmentOfficers,
      options: newCaseOptions(deps.cfg.TEMPORAL_SEARCH_ATTRIBUTES),
    };
  };
}

/** How new cases run (workflows/messages CaseOptions): the current behaviour. */
export function newCaseOptions(searchAttributes: boolean): CaseOptions {
  // The start request sets the initial search attributes (initialSearchAttributes).
  // No recordLocally: a local activity writes the facts of a workflow task before Temporal has
  // committed it, so a worker killed in between left facts of a path the retried task did not
  // take (docs/VERSIONING.md). The recordCase activity is scheduled only by a committed task.
  return { searchAttributes, startAttributesSet: searchAttributes, archiveEarlierRuns: true, recordWindows: true };
}

/** Initial search attributes, so a new case is findable in the Temporal UI before its first task. */
export function initialSearchAttributes(input: CaseWorkflowInput): SearchAttributePair[] {
  const { intake } = input;
  return [
    { key: CaseStatusKey, value: 'REPORTED' },
    { key: CaseLevelKey, value: intake.startLevel },
    { key: CaseOverdueKey, value: false },
    { key: CaseStreetKey, value: intake.units.streetId },
    { key: CaseGridKey, value: intake.units.gridId },
    { key: CaseCategoryKey, value: intake.categoryCode },
  ];
}

async function startCaseWorkflow(deps: IntakeDeps, input: CaseWorkflowInput, conflict: 'FAIL' | 'USE_EXISTING'): Promise<void> {
  await deps.temporal.workflow.start(CASE_WORKFLOW_TYPE, {
    workflowId: workflowIdForCase(input.intake.code),
    taskQueue: deps.cfg.TEMPORAL_TASK_QUEUE,
    args: [input],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    workflowIdConflictPolicy: conflict,
    ...(deps.cfg.TEMPORAL_SEARCH_ATTRIBUTES ? { typedSearchAttributes: initialSearchAttributes(input) } : {}),
  });
}

/** The input a case workflow was started with, read from its history (no worker needed). */
export async function readCaseInput(temporal: Client, code: string): Promise<CaseWorkflowInput> {
  const res = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId: workflowIdForCase(code) },
    maximumPageSize: 1,
  });
  let payloads = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  const converter = temporal.options.loadedDataConverter;
  for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  if (!payloads[0]) throw new Error(`case ${code}: the workflow history has no start input`);
  return converter.payloadConverter.fromPayload<CaseWorkflowInput>(payloads[0]);
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

/** The stored key: scoped to the caller, so two clients never collide on the same key string. */
export function scopedIdempotencyKey(actor: Actor, key: string): string {
  return `${actor.personId}:${key}`;
}

/** Create a case from a report (see the module comment for the idempotency protocol). */
export async function createCase(deps: IntakeDeps, cmd: IntakeCommand): Promise<IntakeOutcome> {
  const now = deps.now ?? Date.now;
  const reportedAt = now();
  const build = await resolveCase(deps, cmd, reportedAt);

  if (cmd.idempotencyKey === undefined) {
    const code = await allocateCaseCode(deps.db, deps.cfg.CASE_CODE_PREFIX, reportedAt, deps.cfg.CALENDAR_TIME_ZONE);
    const input = build(code);
    await startCaseWorkflow(deps, input, 'FAIL');
    return { created: caseCreatedFrom(input), replayed: false };
  }

  const key = scopedIdempotencyKey(cmd.actor, cmd.idempotencyKey);
  const hash = requestHash(cmd.request, cmd.files);
  const replay = async (row: { caseCode: string; requestHash: string }): Promise<IntakeOutcome> => {
    if (row.requestHash !== hash) {
      throw new IntakeError(
        'IDEMPOTENCY_CONFLICT',
        `Idempotency-Key "${cmd.idempotencyKey}" was already used for a different request (case ${row.caseCode}); use a new key for a new report`,
      );
    }
    // The first attempt may have died between writing the key and starting the workflow.
    try {
      await startCaseWorkflow(deps, build(row.caseCode), 'USE_EXISTING');
    } catch (err) {
      // A closed case with REJECT_DUPLICATE: it exists, which is all a replay needs.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { created: caseCreatedFrom(await readCaseInput(deps.temporal, row.caseCode)), replayed: true };
  };

  const existing = await deps.db.idempotencyKey.findUnique({ where: { key } });
  if (existing) return replay(existing);

  const code = await allocateCaseCode(deps.db, deps.cfg.CASE_CODE_PREFIX, reportedAt, deps.cfg.CALENDAR_TIME_ZONE);
  try {
    await deps.db.idempotencyKey.create({ data: { key, caseCode: code, requestHash: hash } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // A concurrent request with the same key won the insert; answer as its replay.
    const winner = await deps.db.idempotencyKey.findUnique({ where: { key } });
    if (!winner) throw err;
    return replay(winner);
  }

  const input = build(code);
  try {
    await startCaseWorkflow(deps, input, 'FAIL');
  } catch (err) {
    // A concurrent replay of this key started it first: same case, same answer.
    if (err instanceof WorkflowExecutionAlreadyStartedError) return replay({ caseCode: code, requestHash: hash });
    const status = grpcStatusOf(err);
    if (status !== undefined && AMBIGUOUS_GRPC.has(status)) {
      // The start may have reached the server: keep the key so a retry with it resumes this case.
      deps.logger?.warn({ code, key, err }, 'case start outcome unknown; Idempotency-Key kept for a safe retry');
    } else {
      await deps.db.idempotencyKey.delete({ where: { key } }).catch((delErr: unknown) => {
        deps.logger?.error({ code, key, err: delErr }, 'could not remove the Idempotency-Key of a case that did not start');
      });
    }
    throw err;
  }
  return { created: caseCreatedFrom(input), replayed: false };
}
