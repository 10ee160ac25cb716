// What the HTTP layer needs from the outside world; main.ts builds the real ones, tests their own.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/env';
import type { Authenticator } from '../features/auth/auth';
import type { Db } from '../platform/db';
import type { DirectoryCache } from '../features/directory/directory';
import type { EvidenceStorage } from '../features/evidence/storage';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  cfg: AppConfig;
  logger: Logger;
  /** Cached directory lookups (createDirectoryCache). */
  directory: DirectoryCache;
  /** Defaults to createAuthenticator over `db` and `cfg`. */
  authenticator?: Authenticator;
  /** The clock of sessions, lockouts and the access log (tests pin it). Default Date.now. */
  now?: () => number;
  /** Where evidence files live. Default: a folder at EVIDENCE_DIR (createDiskStorage). */
  evidenceStorage?: EvidenceStorage;
  /** The built web console (tests point it elsewhere). Default console/dist. */
  consoleDir?: string;
}
