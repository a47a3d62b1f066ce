/**
 * The device's HTTP client for api.md, over `fetch` (never through the service worker's cache:
 * /api/ is excluded from it). Failures are typed so the UI can say them in plain French.
 */
import type { PushOp } from '../domain/outbox';
import type { EscrowPublicKey } from '../domain/escrow';
import type { PullAnswer, PushResult, Role } from '../domain/sync';
import { SyncError } from './syncError';

export { SyncError, type SyncErrorKind } from './syncError';

export interface Enrolled {
  deviceId: string;
  token: string;
  role: Role;
  name: string;
}

export interface Api {
  push(ops: PushOp[]): Promise<PushResult[]>;
  pull(since: string, limit?: number): Promise<PullAnswer>;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function call<T>(fetchImpl: Fetch, url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, cache: 'no-store' });
  } catch {
    throw new SyncError('offline', 'network error');
  }
  if (res.ok) {
    try {
      return (await res.json()) as T;
    } catch {
      throw new SyncError('server', 'unreadable answer', res.status);
    }
  }
  let message = `HTTP ${res.status}`;
  let code: string | undefined;
  try {
    const error = ((await res.json()) as { error?: { message?: string; code?: string } }).error;
    message = error?.message ?? message;
    code = error?.code;
  } catch {
    // not JSON: keep the status
  }
  if (res.status === 401) throw new SyncError('auth', message, 401, code);
  if (res.status >= 500 || res.status === 429 || res.status === 408) throw new SyncError('server', message, res.status, code);
  throw new SyncError('refused', message, res.status, code);
}

export function createApi(baseUrl: string, token: string, fetchImpl: Fetch = (i, init) => fetch(i, init)): Api {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    push: async (ops) =>
      (await call<{ results: PushResult[] }>(fetchImpl, `${baseUrl}/api/v1/sync/push`, { method: 'POST', headers, body: JSON.stringify({ ops }) })).results,
    pull: (since, limit = 500) => call<PullAnswer>(fetchImpl, `${baseUrl}/api/v1/sync/pull?since=${encodeURIComponent(since)}&limit=${limit}`, { headers }),
  };
}

/** The enrolment answer: servers of this version add the user's id and the escrow public key. */
export interface EnrolAnswer extends Enrolled {
  userId?: string;
  escrow?: EscrowPublicKey;
}

/** Enrols this tablet with a code from the coordinator. */
export function enrolDevice(baseUrl: string, code: string, label: string, fetchImpl: Fetch = (i, init) => fetch(i, init)): Promise<EnrolAnswer> {
  return call<EnrolAnswer>(fetchImpl, `${baseUrl}/api/v1/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, label }),
  });
}

/** The escrow public key for this device (a tablet enrolled before the server gave it at enrolment). */
export function fetchEscrowKey(baseUrl: string, token: string, fetchImpl: Fetch = (i, init) => fetch(i, init)) {
  return call<EscrowPublicKey & { deviceId: string; userId: string }>(fetchImpl, `${baseUrl}/api/v1/devices/escrow-key`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Sends a blocked tablet's escrow copy with the new device's token; the raw data key comes back (base64url). */
export function recoverEscrowedKey(
  baseUrl: string,
  token: string,
  body: { previousDeviceId: string; keyId: string; wrappedKey: string },
  fetchImpl: Fetch = (i, init) => fetch(i, init),
) {
  return call<{ key: string }>(fetchImpl, `${baseUrl}/api/v1/devices/escrow-recovery`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface DeviceInfo {
  deviceId: string;
  label: string;
  name: string;
  role: Role;
  createdAt: string;
  lastSyncAt: string | null;
  revokedAt: string | null;
}

/** One entry of the server's audit log (ids, action and counts only). */
export interface AuditEntryInfo {
  id: number;
  at: string;
  actorId: string;
  actorName: string;
  action: 'export' | 'merge' | 'erase' | 'revoke' | 'enrol' | 'retention' | 'recover';
  entity: string | null;
  recordId: string | null;
  counts: Record<string, number> | null;
}

export interface AuditPageInfo {
  from: string;
  to: string;
  entries: AuditEntryInfo[];
  hasMore: boolean;
  next?: string;
}

/** What the server answers to an erasure (README "Her rights"). */
export interface ErasureInfo {
  id: string;
  erased: true;
  counts: { people: number; mandates: number; followups: number; accompaniments: number; opCopies: number };
}

/** The coordinator's calls: enrolment codes, devices, merging people, her rights, the audit log (online only). */
export function createCoordinatorApi(baseUrl: string, token: string, fetchImpl: Fetch = (i, init) => fetch(i, init)) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    createEnrolment: (role: Role, name: string) =>
      call<{ code: string; expiresAt: string }>(fetchImpl, `${baseUrl}/api/v1/enrolments`, { method: 'POST', headers, body: JSON.stringify({ role, name }) }),
    listDevices: async () => (await call<{ devices: DeviceInfo[] }>(fetchImpl, `${baseUrl}/api/v1/devices`, { headers })).devices,
    /** Merges the person `id` (a duplicate) into `into`: her visits, mandates and follow-ups move to it. */
    mergePeople: (id: string, into: string) =>
      call<{ id: string; into: string; version: number }>(fetchImpl, `${baseUrl}/api/v1/beneficiaries/${encodeURIComponent(id)}/merge`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ into }),
      }),
    /** Everything the server holds about one person (the dossier, as JSON; written to the audit log). */
    personDossier: (id: string) => call<Record<string, unknown>>(fetchImpl, `${baseUrl}/api/v1/beneficiaries/${encodeURIComponent(id)}/dossier`, { headers }),
    /** Erases one person everywhere (server, then every tablet through sync). */
    erasePerson: (id: string) =>
      call<ErasureInfo>(fetchImpl, `${baseUrl}/api/v1/beneficiaries/${encodeURIComponent(id)}/erase`, {
        method: 'POST',
        headers: { authorization: headers.authorization },
      }),
    /** A page of the audit log, newest first (`before`: the `next` of the previous page). */
    audit: (q: { from?: string; to?: string; before?: string } = {}) => {
      const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1]));
      return call<AuditPageInfo>(fetchImpl, `${baseUrl}/api/v1/audit?${params.toString()}`, { headers });
    },
    revokeDevice: async (id: string) => {
      const res = await fetchImpl(`${baseUrl}/api/v1/devices/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { authorization: headers.authorization },
      }).catch(() => {
        throw new SyncError('offline', 'network error');
      });
      if (!res.ok) throw new SyncError(res.status === 401 ? 'auth' : 'refused', `HTTP ${res.status}`, res.status);
    },
  };
}
