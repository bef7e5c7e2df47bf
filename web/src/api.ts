// The one place that talks to Kanalvakt's JSON API (/api/v1): the session
// cookie travels by itself (same origin), every state-changing request carries
// the CSRF token the login answered, and errors arrive as
// application/problem+json (RFC 9457) and are raised as ApiError with the
// field they name.

export const API = '/api/v1';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  [k: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

const CSRF_KEY = 'kanalvakt.csrf';
let csrf: string | null = sessionStorage.getItem(CSRF_KEY);
let onUnauthorized: (() => void) | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

/** Called when the server answers 401 (the session expired or was ended). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, q?: Query): string {
  if (!q) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(API + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('Content-Type') || '';
  const isJson = type.includes('json');
  const data = isJson && res.status !== 204 ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401 && path !== '/session' && onUnauthorized) onUnauthorized();
    const problem: Problem =
      data && typeof data === 'object'
        ? (data as Problem).error && typeof (data as Problem).error === 'object'
          ? { ...(data.error as Problem), status: res.status }
          : (data as Problem)
        : { status: res.status, title: res.statusText };
    throw new ApiError(res.status, problem);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, q?: Query) => request<T>('GET', withQuery(path, q)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** A list answer: the API pages lists as {items, next}; a bare array is accepted too. */
export interface Page<T> {
  items: T[];
  next?: string | null;
}

export function itemsOf<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['items', 'data', 'results']) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}

export function nextOf(v: unknown): string | null {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const n = o.next ?? o.next_cursor ?? o.cursor;
    if (typeof n === 'string' && n) return n;
  }
  return null;
}

/** The Swedish message shown for a failed request. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const p = e.problem;
    const what = p.detail || p.message || p.title || '';
    const field = p.field ? ` (fält: ${String(p.field)})` : '';
    switch (e.status) {
      case 401:
        return 'Du är inte inloggad, eller så har sessionen gått ut.';
      case 403:
        return `Du har inte behörighet till detta.${what ? ' ' + String(what) : ''}`;
      case 404:
        return `Finns inte.${what ? ' ' + String(what) : ''}`;
      case 405:
        return `Finns inte på servern.${what ? ' ' + String(what) : ''}`;
      case 409:
        return `Går inte just nu: ${String(what)}${field}`;
      case 429:
        return 'För många försök. Vänta en stund och försök igen.';
      default:
        return `${e.status >= 500 ? 'Serverfel' : 'Felaktig uppgift'}: ${String(what)}${field}`;
    }
  }
  if (e instanceof TypeError) return 'Kunde inte nå servern.';
  if (e instanceof Error) return e.message;
  return String(e);
}
