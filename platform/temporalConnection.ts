// Connections to Temporal, built from the validated config in one place:
//  - connectTemporal(cfg)        → Connection + Client, for the API and scripts;
//  - connectTemporalNative(cfg)  → NativeConnection, for the worker.
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS and TEMPORAL_API_KEY are
// honoured; an API key implies TLS (as Temporal Cloud requires). The payload codec
// (platform/payloadCodec, from PAYLOAD_KEYS) is passed by the caller: the API, the worker's
// client and the scripts that start or read cases pass it, tools that only manage the
// namespace do not need keys.
import { Client, Connection, type ClientOptions, type ConnectionOptions } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
// Types only: the worker package (its native runtime, rxjs, the workflow bundler) is loaded by
// connectTemporalNative when a worker connects, never by the API that only needs the client.
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from '../config/env';

export type TemporalConfig = Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TLS' | 'TEMPORAL_API_KEY'>;

export interface ConnectOptions {
  /**
   * Keep retrying an unreachable server for this long before giving up (e.g. the
   * worker starting while the server boots). 0 = one attempt. Other errors never retry.
   */
  retryForMs?: number;
  /** Per-attempt connect timeout of the client connection. Default 10 s. */
  connectTimeoutMs?: number;
  /** Extra client options (interceptors, data converter…); the namespace comes from cfg. */
  client?: Omit<ClientOptions, 'connection' | 'namespace'>;
  /** Called before each retry, e.g. to log. */
  onRetry?: (err: unknown, attempt: number) => void;
  /** Encrypts what the client sends and decrypts what it reads (null/undefined = plain payloads). */
  payloadCodec?: PayloadCodec | null;
}

export interface TemporalClientBundle {
  connection: Connection;
  client: Client;
  namespace: string;
  /** Close the connection (the client holds no other resources). */
  close(): Promise<void>;
}

/** The TLS/API-key part of a connection, shared by both kinds. */
export function temporalConnectionOptions(cfg: TemporalConfig): { address: string; tls: boolean; apiKey?: string } {
  return {
    address: cfg.TEMPORAL_ADDRESS,
    tls: cfg.TEMPORAL_TLS || Boolean(cfg.TEMPORAL_API_KEY),
    ...(cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {}),
  };
}

/** Client connection + Client on the configured namespace. */
export async function connectTemporal(cfg: TemporalConfig, opts: ConnectOptions = {}): Promise<TemporalClientBundle> {
  const base = temporalConnectionOptions(cfg);
  const connectionOptions: ConnectionOptions = { ...base, connectTimeout: opts.connectTimeoutMs ?? 10_000 };
  const connection = await withRetry(() => Connection.connect(connectionOptions), opts);
  const dataConverter = opts.payloadCodec ? { ...opts.client?.dataConverter, payloadCodecs: [opts.payloadCodec] } : opts.client?.dataConverter;
  const client = new Client({ ...opts.client, ...(dataConverter ? { dataConverter } : {}), connection, namespace: cfg.TEMPORAL_NAMESPACE });
  return { connection, client, namespace: cfg.TEMPORAL_NAMESPACE, close: () => connection.close() };
}

/**
 * The payload codecs a Client was built with: readers that fetch raw histories through it
 * decode them with the same codecs (platform/historyJson decodeHistory).
 */
export function payloadCodecsOf(client: Client): readonly PayloadCodec[] {
  return client.options.loadedDataConverter.payloadCodecs;
}

/** NativeConnection for a Worker (pass `namespace: cfg.TEMPORAL_NAMESPACE` to Worker.create). */
export async function connectTemporalNative(
  cfg: TemporalConfig,
  opts: Pick<ConnectOptions, 'retryForMs' | 'onRetry'> & { native?: Omit<NativeConnectionOptions, 'address' | 'tls' | 'apiKey'> } = {},
): Promise<NativeConnection> {
  const options: NativeConnectionOptions = { ...opts.native, ...temporalConnectionOptions(cfg) };
  const { NativeConnection: Native } = await import('@temporalio/worker');
  return withRetry(() => Native.connect(options), opts);
}

const UNREACHABLE_PATTERNS = [
  /Failed to connect before the deadline/i, // @temporalio/client Connection.connect
  /tcp connect error|dns error|Connection refused|ConnectError/i, // NativeConnection (TransportError from core)
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/,
  /No connection established/i,
];

/**
 * True when `err` means "the Temporal server cannot be reached" (refused, DNS,
 * connect timeout, gRPC UNAVAILABLE) as opposed to a real answer from the server.
 * Looks through `cause` chains (the client wraps gRPC errors in ServiceError).
 */
/** The gRPC status code somewhere in an error's cause chain (Temporal client errors wrap it). */
export function grpcStatusOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return code;
  }
  return undefined;
}

/** gRPC NOT_FOUND: what the raw service calls (e.g. a deleted run's history) fail with. */
export const GRPC_NOT_FOUND = 5;

export function isTemporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== 'object') break;
    const { name, code, message } = e as { name?: string; code?: unknown; message?: string };
    if (name === 'TransportError') return true;
    if (code === 14 /* UNAVAILABLE */) return true;
    if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) return true;
    if (typeof message === 'string' && UNREACHABLE_PATTERNS.some((re) => re.test(message))) return true;
  }
  return false;
}

async function withRetry<T>(fn: () => Promise<T>, opts: Pick<ConnectOptions, 'retryForMs' | 'onRetry'>): Promise<T> {
  const deadline = Date.now() + (opts.retryForMs ?? 0);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTemporalUnreachable(err) || Date.now() >= deadline) throw err;
      opts.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2000)));
    }
  }
}
