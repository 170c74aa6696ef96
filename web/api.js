// The REST API as the dashboard uses it. The dashboard is just another client: every call goes to
// /api/v1 with the API key (if any) as a Bearer token, and every refusal becomes an ApiError carrying
// the API's own {"error":{"code","message","details"}} so the UI can show what the API said.

export const apiBase = '/api/v1';
const keyItem = 'storefleet.apiKey';

/** Fires 'unauthorized' (detail: ApiError) on any 401 and 'keychange' when the key is saved. */
export const authEvents = new EventTarget();

export class ApiError extends Error {
  /**
   * @param {number} status 0 when the API could not be reached at all
   * @param {string} code
   * @param {string} message
   * @param {Array<{field: string, message: string}>} [details]
   */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? [];
  }
}

export function getKey() {
  // localStorage throws in some privacy modes; no key is the sensible fallback.
  try {
    return localStorage.getItem(keyItem) ?? '';
  } catch {
    return '';
  }
}

export function setKey(key) {
  try {
    if (key) localStorage.setItem(keyItem, key);
    else localStorage.removeItem(keyItem);
  } catch {
    // Not persisted; nothing else to do.
  }
  authEvents.dispatchEvent(new Event('keychange'));
}

export function authHeaders() {
  const key = getKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Turns a non-2xx response into an ApiError, using the API's error body when there is one. */
export async function errorOf(res) {
  const body = await res.json().catch(() => undefined);
  const error = body && typeof body === 'object' ? body.error : undefined;
  const apiError = error?.message
    ? new ApiError(res.status, String(error.code ?? res.status), String(error.message), error.details)
    : new ApiError(res.status, `http_${res.status}`, `the API answered ${res.status} ${res.statusText}`.trim());
  if (res.status === 401) authEvents.dispatchEvent(new CustomEvent('unauthorized', { detail: apiError }));
  return apiError;
}

export const unreachable = () =>
  new ApiError(0, 'unreachable', 'cannot reach the storefleet API; is it running? (npm start runs it)');

async function send(method, path, body) {
  const headers = {
    Accept: 'application/json',
    ...authHeaders(),
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
  };
  let res;
  try {
    res = await fetch(`${apiBase}${path}`, {
      method,
      headers,
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw unreachable();
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

const request = async (method, path, body) => (await send(method, path, body)).json();

const storePath = (storeId) => `/stores/${encodeURIComponent(storeId)}`;
const upgradePath = (id) => `/fleet/upgrades/${encodeURIComponent(id)}`;

export const api = {
  /** Running stores by default; phase 'Deleted' lists the deleted ones (the API's own rule). */
  listStores({ phase = '', limit = 100 } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (phase) query.set('phase', phase);
    return request('GET', `/stores?${query}`);
  },
  getStore: (storeId) => request('GET', storePath(storeId)),
  getEvents: (storeId) => request('GET', `${storePath(storeId)}/events`),
  getHistory: (storeId) => request('GET', `${storePath(storeId)}/history`),
  getUsage: (storeId) => request('GET', `${storePath(storeId)}/usage`),
  getFleetUsage: () => request('GET', '/fleet/usage'),
  /** created is false when the same store (id, engine, plan) already existed: the API answers 200 then. */
  async createStore(spec) {
    const res = await send('POST', '/stores', spec);
    return { created: res.status === 201, store: await res.json() };
  },
  /** The dry run: what a create would make and whether it fits the plan; nothing starts. */
  planStore: (spec) => request('POST', '/stores?dryRun=true', spec),
  hibernateStore: (storeId) => request('POST', `${storePath(storeId)}/hibernate`),
  checkOrder: (storeId) => request('POST', `${storePath(storeId)}/checks/order`),
  wakeStore: (storeId) => request('POST', `${storePath(storeId)}/wake`),
  retryStore: (storeId) => request('POST', `${storePath(storeId)}/retry`),
  deleteStore: (storeId) => request('DELETE', storePath(storeId)),
  /** A plan change or chart upgrade ({plan?, chartVersion?}) of a Ready store; 409 says why it is refused. */
  changeStore: (storeId, change) => request('PATCH', storePath(storeId), change),
  /** The dry run of a change: what it would apply and the problems that would make the store refuse it. */
  planChange: (storeId, change) => request('PATCH', `${storePath(storeId)}?dryRun=true`, change),
  streamPath: (storeId) => `${storePath(storeId)}/stream`,
  startFleetUpgrade: (spec) => request('POST', '/fleet/upgrades', spec),
  listFleetUpgrades: () => request('GET', '/fleet/upgrades'),
  getFleetUpgrade: (id) => request('GET', upgradePath(id)),
  /** action: 'pause', 'resume' or 'cancel'; 409 fleet_upgrade_ended once it has ended. */
  actOnFleetUpgrade: (id, action) => request('POST', `${upgradePath(id)}/${action}`),
  /** {paused: false}, or {paused: true, reason, pausedBy, pausedAt} while creating stores is paused. */
  getCreationPause: () => request('GET', '/admin/creation-pause'),
};
