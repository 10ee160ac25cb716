// Open311 client applications and their API keys. A key is shown once when issued; only its
// sha256 (features/auth hashApiKey) is stored. A client files cases as its REPORTER person, and
// Case.clientAppId records which client filed a case (what decides who sees every field).
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/types';
import { hashApiKey } from '../../features/auth/auth';
import type { Db } from '../../platform/db';

/** An authenticated Open311 client and the person it acts as. */
export interface Open311Caller {
  clientId: string;
  clientName: string;
  actor: Actor & { name: string };
}

/** Why a key was refused: bad credentials (Unauthenticated, INVALID_API_KEY); Open311 answers 403 with the text. */
export class Open311KeyError extends DomainError {
  override name = 'Open311KeyError';
  constructor(message: string) {
    super('Unauthenticated', 'INVALID_API_KEY', message);
  }
}

/** A new random API key: "o311_" and 43 URL-safe characters (256 bits). */
export function generateApiKey(): string {
  return `o311_${randomBytes(32).toString('base64url')}`;
}

export type ClientDb = Pick<Db, 'open311Client' | 'person'>;

/** The client behind an api_key; throws Open311KeyError when it is unknown, inactive or misconfigured. */
export async function authenticateClient(db: Pick<Db, 'open311Client'>, apiKey: string): Promise<Open311Caller> {
  const row = await db.open311Client.findUnique({
    where: { apiKeyHash: hashApiKey(apiKey.trim()) },
    include: { reporter: { select: { id: true, name: true, role: true, unitId: true, active: true } } },
  });
  if (!row) throw new Open311KeyError('Invalid api_key received');
  if (!row.active) throw new Open311KeyError('This api_key has been deactivated');
  const p = row.reporter;
  if (!p.active || p.role !== 'REPORTER') throw new Open311KeyError('This api_key is not usable: its reporter account is inactive; contact the administrator');
  return { clientId: row.id, clientName: row.name, actor: { personId: p.id, role: p.role, unitId: p.unitId, name: p.name } };
}

export interface IssueClientOptions {
  name: string;
  /** Client id (stored in Case.clientAppId); generated when left out. */
  id?: string;
  /** An existing active REPORTER person; when left out a REPORTER person is created for the client in `unitId`. */
  reporterPersonId?: string;
  /** Unit of a created reporter person (the district). */
  unitId?: string;
  /** Use this key instead of a random one (demo and tests only). */
  apiKey?: string;
}

export interface IssuedClient {
  id: string;
  name: string;
  reporterPersonId: string;
  /** The key in clear: shown once, never stored. */
  apiKey: string;
}

const ID_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Register a client and return its key (the only time the key is visible). */
export async function issueClient(db: ClientDb, opts: IssueClientOptions): Promise<IssuedClient> {
  const name = opts.name.trim();
  if (!name) throw new Error('a client needs a name');
  const id = opts.id ?? `o311-${randomBytes(4).toString('hex')}`;
  if (!ID_RE.test(id)) throw new Error(`client id "${id}" must be 2..63 lowercase letters, digits or dashes`);
  if (await db.open311Client.findUnique({ where: { id } })) throw new Error(`an Open311 client "${id}" already exists (rotate its key instead)`);

  let reporterPersonId = opts.reporterPersonId;
  if (reporterPersonId) {
    const p = await db.person.findUnique({ where: { id: reporterPersonId } });
    if (!p) throw new Error(`no person "${reporterPersonId}"`);
    if (p.role !== 'REPORTER' || !p.active) throw new Error(`person "${reporterPersonId}" is not an active REPORTER`);
  } else {
    if (!opts.unitId) throw new Error('give reporterPersonId or the unitId for a new reporter person');
    reporterPersonId = `p-${id}`;
    await db.person.create({ data: { id: reporterPersonId, name, role: 'REPORTER', unitId: opts.unitId, active: true } });
  }
  const apiKey = opts.apiKey ?? generateApiKey();
  await db.open311Client.create({ data: { id, name, apiKeyHash: hashApiKey(apiKey), reporterPersonId, active: true } });
  return { id, name, reporterPersonId, apiKey };
}

/** Replace a client's key (the old one stops working at once); returns the new key. */
export async function rotateClientKey(db: Pick<Db, 'open311Client'>, id: string): Promise<string> {
  const apiKey = generateApiKey();
  await db.open311Client.update({ where: { id }, data: { apiKeyHash: hashApiKey(apiKey), active: true } });
  return apiKey;
}

/** Stop a client's key from working. */
export async function deactivateClient(db: Pick<Db, 'open311Client'>, id: string): Promise<void> {
  await db.open311Client.update({ where: { id }, data: { active: false } });
}
