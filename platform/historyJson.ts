// Temporal history ⇄ Temporal's JSON export (protobuf JSON, as `temporal workflow show -o json`
// writes it). Same behaviour as the SDK's historyToJSON / historyFromJSON.
//
// Why not those two: in this install @temporalio/common and @temporalio/proto each carry
// their own copy of protobufjs 8 (the top-level slot holds grpc's protobufjs 7), and the
// SDK's functions take the JSON codec from common's copy while the message types belong to
// proto's copy, so both fail with "type must be a Type". Here the codec is loaded from the
// same protobufjs instance as the message types, whatever the layout.
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { History } from '@temporalio/common/lib/proto-utils';

export type { History };

interface ProtoJson {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
  toJson(type: unknown, message: unknown): unknown;
}

const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');
const HistoryMessage = proto.temporal.api.history.v1.History;

type JsonObject = Record<string, unknown>;

/** "WorkflowExecutionStarted" → "WORKFLOW_EXECUTION_STARTED" (older exports used Pascal-case enum names). */
function constantCase(s: string): string {
  return s.replace(/[^\b][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toUpperCase();
}

function fixEnum(obj: JsonObject, attr: string, prefix: string): JsonObject {
  const v = obj[attr];
  return typeof v === 'string' ? { [attr]: v.startsWith(prefix) ? v : `${prefix}_${constantCase(v)}` } : {};
}

function fixEvent(e: JsonObject): JsonObject {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new TypeError(`history event ${String(e.eventId)} has no attributes`);
  const a = e[key] as JsonObject;
  const taskQueue = a.taskQueue as JsonObject | undefined;
  const childFailure = a.childWorkflowExecutionFailureInfo as JsonObject | undefined;
  return {
    ...e,
    ...fixEnum(e, 'eventType', 'EVENT_TYPE'),
    [key]: {
      ...a,
      ...(taskQueue ? { taskQueue: { ...taskQueue, ...fixEnum(taskQueue, 'kind', 'TASK_QUEUE_KIND') } } : {}),
      ...fixEnum(a, 'parentClosePolicy', 'PARENT_CLOSE_POLICY'),
      ...fixEnum(a, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'),
      ...fixEnum(a, 'initiator', 'CONTINUE_AS_NEW_INITIATOR'),
      ...fixEnum(a, 'retryState', 'RETRY_STATE'),
      ...(childFailure ? { childWorkflowExecutionFailureInfo: { ...childFailure, ...fixEnum(childFailure, 'retryState', 'RETRY_STATE') } } : {}),
    },
  };
}

/** Parse Temporal's JSON export of one run into a History (tolerates unknown fields). */
export function historyFromJson(json: unknown): History {
  const h = json as { events?: unknown };
  if (typeof h !== 'object' || h === null || !Array.isArray(h.events)) {
    throw new TypeError('not a Temporal history: expected an object with an array of events');
  }
  const fixed = { events: (h.events as JsonObject[]).map(fixEvent) };
  const history = protojson.fromJson(historyType, fixed, { ignoreUnknownFields: true }) as History | null;
  if (!history) throw new TypeError('not a Temporal history');
  return history;
}

/** A History as Temporal's JSON export (a plain object; JSON.stringify it to write a file). */
export function historyToJson(history: History): { events: unknown[] } {
  return protojson.toJson(historyType, HistoryMessage.fromObject(history)) as { events: unknown[] };
}

/** True when `h` is already a decoded History (event ids are Long/number, not JSON strings). */
export function isDecodedHistory(h: unknown): h is History {
  const first = (h as { events?: Array<{ eventId?: unknown }> })?.events?.[0];
  return first !== undefined && typeof first.eventId !== 'string';
}

/** A decoded History from either form. */
export function toHistory(h: History | unknown): History {
  return isDecodedHistory(h) ? h : historyFromJson(h);
}

/**
 * Epoch ms of a protobuf Timestamp (or Duration length), whichever form its seconds take:
 * Long from the gRPC client, a plain number from the JSON codec.
 */
export function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  const s = ts.seconds;
  const seconds = typeof s === 'number' ? s : s == null ? 0 : Number(String(s));
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000);
}

/** A Payload as it appears in a History (protobuf message or plain object). */
export type PayloadLike = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };

/** Codecs as a Client or Worker holds them (dataConverter.payloadCodecs), applied in reverse to decode. */
export interface HistoryCodec {
  decode(payloads: PayloadLike[]): Promise<PayloadLike[]>;
}

function isPayloadLike(v: object): v is PayloadLike {
  const m = (v as PayloadLike).metadata;
  return typeof m === 'object' && m !== null && !Array.isArray(m) && 'encoding' in m && m.encoding instanceof Uint8Array;
}

/**
 * The history with every payload decoded by `codecs` (the payload codecs of the Client or
 * Worker that wrote it): the one place the readers (audit timeline and replay, archive
 * verification, scripts/replay, case access) turn a history as Temporal stores it into one
 * whose payloads defaultPayloadConverter can read. Payloads the codecs do not recognise pass
 * through, so histories recorded before encryption read unchanged. A payload that cannot be
 * decoded (unknown key, tampered) rejects: nothing is read from it.
 *
 * Copy-on-write: only the containers on the way to a decoded payload are copied (keeping their
 * prototype), everything else — Long timestamps, protobuf messages — is shared, and `history`
 * itself is left as it was (the archive stores histories encrypted, as Temporal has them).
 */
export async function decodeHistory(history: History, codecs: readonly HistoryCodec[]): Promise<History> {
  if (codecs.length === 0) return history;
  return mapHistoryPayloads(history, async (p) => {
    let out = p;
    for (const codec of [...codecs].reverse()) [out] = await codec.decode([out]);
    return out;
  });
}

/**
 * The history with every payload replaced by `fn(payload)` (copy-on-write, as decodeHistory):
 * decoding, and the privacy rewrites (masking for readers, anonymisation of archived histories).
 * A payload `fn` returns unchanged keeps its containers shared.
 */
export async function mapHistoryPayloads(history: History, fn: (p: PayloadLike) => Promise<PayloadLike>): Promise<History> {
  const walk = async (v: unknown): Promise<unknown> => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array || (v as { __isLong__?: boolean }).__isLong__) return v;
    if (Array.isArray(v)) {
      const items = await Promise.all(v.map(walk));
      return items.some((x, i) => x !== v[i]) ? items : v;
    }
    if (isPayloadLike(v)) return fn(v);
    let copy: Record<string, unknown> | null = null;
    for (const key of Object.keys(v)) {
      const before = (v as Record<string, unknown>)[key];
      const after = await walk(before);
      if (after !== before) {
        copy ??= Object.assign(Object.create(Object.getPrototypeOf(v) as object | null) as object, v) as Record<string, unknown>;
        copy[key] = after;
      }
    }
    return copy ?? v;
  };
  return (await walk(history)) as History;
}
