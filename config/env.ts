// Configuration, read and validated once at start-up. Every bad variable is
// listed at once, so a misconfigured deployment fails with one clear message.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Express's 'trust proxy' names: each stands for a range of addresses. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const isProxyAddress = (a: string): boolean => {
  const [addr, bits, ...rest] = a.split('/');
  if (rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return false;
  return PROXY_RANGE_NAMES.includes(a) || IPV4.test(addr) || (addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr));
};

/**
 * Which reverse proxies' X-Forwarded-For to believe for the client's address (rate limits,
 * the access log): `false` = the socket's peer, `true` = any, a hop count, or addresses, CIDRs
 * and Express's names (loopback, linklocal, uniquelocal), comma-separated.
 */
const trustProxy = z
  .string()
  .transform((v, ctx): boolean | number | string[] => {
    const t = v.trim();
    if (t === '' || t === 'false') return false;
    if (t === 'true') return true;
    if (/^\d+$/.test(t)) return Number(t);
    const list = t.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = list.filter((a) => !isProxyAddress(a));
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `not an address, CIDR, hop count or one of ${PROXY_RANGE_NAMES.join('/')}: ${bad.join(', ')}` });
    return list;
  });

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Project data folder: embedded Postgres data, the Temporal dev server's SQLite file, logs. */
  DATA_DIR: z.string().default('.data'),

  /** A real PostgreSQL. When unset, `npm start` serves an embedded PGlite on EMBEDDED_PG_PORT. */
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(55432),
  /** Connections the embedded PGlite multiplexer accepts (API + worker pools + migrations/seed). */
  EMBEDDED_PG_MAX_CONNECTIONS: z.coerce.number().int().min(2).max(500).default(40),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('city-governance'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('cases'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.default(false),
  /** How long Temporal keeps closed cases' histories (auditors replay them). */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /** Upsert custom search attributes (turn off for servers that lack them). */
  TEMPORAL_SEARCH_ATTRIBUTES: bool.default(true),
  /** Path to the `temporal` CLI; otherwise PATH, then the project venv, then the SDK download. */
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  /** `npm start` runs a local Temporal dev server on TEMPORAL_ADDRESS's port; false = use the server already there. */
  TEMPORAL_DEV_SERVER: bool.default(true),

  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(2000),
  /**
   * V8 old-space cap (MB, per isolate) the launchers give the worker process; 0 = V8's own.
   * Without it V8 lets the heaps grow to several times what the cache keeps alive before it
   * collects, so memory follows how long the worker has been busy, not the cache.
   */
  WORKER_HEAP_MB: z.coerce.number().int().min(0).default(1024),
  /**
   * V8 old-space cap (MB) the launchers give the API process; 0 = V8's own. The API keeps ~50 MB
   * alive; without a cap V8 (whose own limit follows the machine's memory: ~4 GB on 24 GB) lets
   * the garbage of busy reads grow the heap past 150 MB before it collects, and the process keeps
   * those pages (bench:volume; bench/README "API memory").
   */
  API_HEAP_MB: z.coerce.number().int().min(0).default(384),
  /**
   * How long one call into the workflow sandbox may run before the SDK's deadlock detector
   * fails the workflow task (the SDK's isolateExecutionTimeout); 0 = no detector (worker/sandboxTimeout).
   */
  WORKER_SANDBOX_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  /**
   * Where the worker keeps the built workflow bundle between starts (platform/workflowBundleCache);
   * `off` = bundle at every start. Default: .data/cache/workflow-bundle in the project.
   */
  WORKFLOW_BUNDLE_CACHE_DIR: z.string().optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).default(40),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_BODY_LIMIT: z.string().default('256kb'),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Where evidence files are stored (content-addressed by SHA-256). Default: DATA_DIR/evidence. */
  EVIDENCE_DIR: z.string().min(1).optional(),
  /** disk: files under EVIDENCE_DIR; s3: an S3-compatible object store (EVIDENCE_S3_*). */
  EVIDENCE_STORAGE: z.enum(['disk', 's3']).default('disk'),
  EVIDENCE_S3_BUCKET: z.string().min(3).optional(),
  /** Key prefix inside the bucket (several deployments may share one). */
  EVIDENCE_S3_PREFIX: z.string().regex(/^[A-Za-z0-9._\/-]*$/).default('evidence'),
  /** Unset = AWS itself; set for MinIO, Ceph, a city cloud's object store. */
  EVIDENCE_S3_ENDPOINT: z.string().url().optional(),
  EVIDENCE_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Unset = the AWS SDK's default chain (environment, instance role). */
  EVIDENCE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Bucket in the path rather than the host name: what most self-hosted stores need. */
  EVIDENCE_S3_FORCE_PATH_STYLE: bool.default(true),
  /** Largest evidence file accepted, in MB (POST /cases/:code/evidence/files answers 413 above it). */
  EVIDENCE_MAX_FILE_MB: z.coerce.number().positive().max(2048).default(20),
  /** Evidence files one case may hold. */
  EVIDENCE_MAX_FILES_PER_CASE: z.coerce.number().int().min(1).default(50),
  /** HMAC secret for bearer tokens. Required in production; a dev default otherwise. */
  JWT_SECRET: z.string().min(32).optional(),
  /**
   * Keys that encrypt Temporal payloads (residents' data in histories): "id:base64key,…", 32-byte
   * keys; the first encrypts, all decrypt (rotation: a new key first, the old ones kept).
   * The API and worker refuse to start without it in production; `npm start` makes a dev key in <DATA_DIR>/payload-key.
   */
  PAYLOAD_KEYS: z
    .string()
    .regex(/^\s*[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+\s*(,\s*[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+\s*)*$/, 'expected id:base64key[,id:base64key…]')
    .optional(),
  /**
   * Days after a case closes that its reporter's name, phone and e-mail are kept; then the daily
   * retention schedule anonymises them in the projection and the history archive (docs/PRIVACY.md).
   * Default 1096 (three years). Not shorter than TEMPORAL_RETENTION_DAYS (checked below).
   */
  PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().int().min(30).max(36_500).default(1096),
  /** Origins of the Temporal Web UIs allowed to call POST /codec/decode (CORS), comma-separated. */
  CODEC_CORS_ORIGINS: csv.default(['http://127.0.0.1:8233', 'http://localhost:8233']),
  JWT_ISSUER: z.string().default('city-escalation-orchestrator'),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).default(8 * 3600),

  /** Reverse proxies to believe for req.ip (see trustProxy); behind one nginx on the same host: `loopback`. */
  TRUST_PROXY: trustProxy.default(false),

  /** Lifetime of a signed-in session (cookie or opaque bearer token), from sign-in. */
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  /** A browser session unused this long ends (0 = no idle timeout). Program tokens only expire. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(0).default(60),
  /** false: no local passwords (POST /auth/login answers 403), only the city single sign-on. */
  PASSWORD_LOGIN: bool.default(true),
  /** scrypt cost of new password hashes as log2(N) (r=8, p=1); 17 = 128 MB and ~0.3 s per hash. */
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(17),
  /** City single sign-on (OpenID Connect): the provider's issuer. Unset = no POST /auth/oidc. */
  OIDC_ISSUER: z.string().url().optional(),
  /** Our client id at the provider: ID tokens must name it in `aud`. Required with OIDC_ISSUER. */
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The provider's JWKS; unset = the jwks_uri of OIDC_ISSUER/.well-known/openid-configuration. */
  OIDC_JWKS_URL: z.string().url().optional(),
  /** The ID-token claim matched to Person.externalSubject. */
  OIDC_PERSON_CLAIM: z.string().min(1).default('sub'),

  /** How often each worker hands new administrative changes over to their fan-outs (ms; 0 = never). */
  ADMIN_CHANGE_FOLLOW_INTERVAL_MS: z.coerce.number().int().min(0).default(5000),

  /** Case codes: district prefix, e.g. GL-20261122-000123. */
  CASE_CODE_PREFIX: z.string().regex(/^[A-Z]{2,6}$/).default('GL'),
  DISTRICT_ID: z.string().default('GL'),

  /** Comma-separated webhook URLs that receive notifications from the outbox. */
  NOTIFY_WEBHOOKS: csv.default([]),
  NOTIFY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /**
   * HMAC-SHA256 key of the webhook-signature (Standard Webhooks; `whsec_<base64>` is decoded) and
   * X-Signature headers on every delivery. Required in production with NOTIFY_WEBHOOKS.
   */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Attempts per notification (each one to every receiver still owed it) before it goes DEAD. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** Wait before the 2nd attempt; doubles per attempt up to NOTIFY_RETRY_MAX_MS. */
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(10_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
  /** How often the worker's outbox sweeper looks for due retries and replayed dead letters; 0 = never. */
  NOTIFY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(5000),
  /** Deliveries in flight at once to one receiver (receivers are served in parallel). */
  NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),

  /** Interface of the worker's metrics listener (the API's /metrics follows METRICS_TOKEN). */
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Bearer token both /metrics endpoints require when set; required in production for the API's. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** The worker's Prometheus listener (its own figures plus the Temporal SDK's); 0 = off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Where the Temporal SDK (core) serves its worker metrics on METRICS_HOST; 0 = off. */
  WORKER_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /** How long the worker's figures read from the database (open cases, outbox, calendar) are cached. */
  METRICS_DB_CACHE_MS: z.coerce.number().int().min(0).default(15_000),

  // Domain defaults (the catalog may override the windows per category).
  ACCEPT_MINUTES: z.coerce.number().positive().default(10),
  RESPONSE_WORKING_HOURS: z.coerce.number().positive().default(1),
  ON_SITE_HOURS: z.coerce.number().positive().default(2),
  REVIEW_WORKING_DAYS: z.coerce.number().positive().default(1),
  REPORT_WORKING_HOURS: z.coerce.number().positive().default(2),
  EXTENSION_DECISION_WORKING_HOURS: z.coerce.number().positive().default(4),
  SURVEY_WORKING_DAYS: z.coerce.number().positive().default(3),
  PLAN_REVIEW_DAYS: z.coerce.number().positive().default(30),
  REMIND_AT_FRACTION: z.coerce.number().min(0).max(0.99).default(0.8),
  /**
   * Escalation ladder, lowest first. The grid's community (层层) is on it: intake drops it for a
   * grid whose community post is missing or vacant (domain/triage ladderForPlace).
   */
  LADDER: csv.default(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']),
  /**
   * Kinds of matter whose route (三事分流, domain/triage) new cases take; the others start at the
   * catalog's level with any first response (as before the routes). All three by default
   * (docs/RULES.md, "Community level and triage").
   */
  TRIAGE_ROUTES: csv.default(['BIG', 'SMALL', 'PRIVATE']),
  /** "3:COMMAND_CENTER,10:DEPUTY_LEADER,*:PRINCIPAL_LEADER" */
  EXTENSION_THRESHOLDS: z.string().default('3:COMMAND_CENTER,10:DEPUTY_LEADER,*:PRINCIPAL_LEADER'),
  MAX_EXTENSIONS: z.coerce.number().int().min(0).default(2),
  MAX_REOPENS: z.coerce.number().int().min(0).default(2),
  SURVEY_UNREACHABLE_POLICY: z.enum(['SATISFIED', 'NEUTRAL', 'EXCLUDED']).default('NEUTRAL'),
  /** Lifetime of a resident's one-time revisit-survey link, in hours (default 7 days). */
  SURVEY_LINK_TTL_HOURS: z.coerce.number().positive().max(24 * 366).default(7 * 24),
  HISTORY_EVENT_LIMIT: z.coerce.number().int().min(100).default(5000),
  CALENDAR_TIME_ZONE: z.string().default('Asia/Shanghai'),
});

export type AppConfig = z.infer<typeof envSchema>;

/** Thrown with every invalid variable listed. */
export class ConfigError extends Error {}

/** Parse an environment (process.env by default). Throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if (cfg.NODE_ENV === 'production' && !cfg.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in production (at least 32 characters)');
  }
  if (cfg.NODE_ENV === 'production' && cfg.NOTIFY_WEBHOOKS.length > 0 && !cfg.NOTIFY_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  NOTIFY_WEBHOOK_SECRET: required in production when NOTIFY_WEBHOOKS is set (receivers verify webhook-signature with it)');
  }
  if (cfg.EVIDENCE_STORAGE === 's3' && !cfg.EVIDENCE_S3_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  EVIDENCE_S3_BUCKET: required with EVIDENCE_STORAGE=s3');
  }
  if (!cfg.EVIDENCE_S3_ACCESS_KEY_ID !== !cfg.EVIDENCE_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('Invalid configuration:\n  EVIDENCE_S3_SECRET_ACCESS_KEY: EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY go together');
  }
  if (cfg.PERSONAL_DATA_RETENTION_DAYS < cfg.TEMPORAL_RETENTION_DAYS) {
    // The retention run rewrites the projection and the archive, not Temporal's own copy:
    // Temporal must have deleted a closed case's history before its reporter is due to go.
    throw new ConfigError(
      `Invalid configuration:\n  PERSONAL_DATA_RETENTION_DAYS: ${cfg.PERSONAL_DATA_RETENTION_DAYS} is shorter than TEMPORAL_RETENTION_DAYS (${cfg.TEMPORAL_RETENTION_DAYS}); Temporal would keep the reporter longer`,
    );
  }
  if (cfg.OIDC_ISSUER && !cfg.OIDC_AUDIENCE) {
    throw new ConfigError('Invalid configuration:\n  OIDC_AUDIENCE: required with OIDC_ISSUER (the client id ID tokens are issued to)');
  }
  return cfg;
}

/** The JWT secret in force: the configured one, or a fixed development secret outside production. */
export function jwtSecret(cfg: AppConfig): string {
  return cfg.JWT_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
}

/** The database URL in force: DATABASE_URL, or the embedded PGlite server. */
export function databaseUrl(cfg: AppConfig): string {
  return cfg.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${cfg.EMBEDDED_PG_PORT}/postgres`;
}
