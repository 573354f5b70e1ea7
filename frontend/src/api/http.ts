// The one place that talks HTTP: adds the login token, turns error bodies into ApiError, reports expired sessions.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  json?: unknown
  form?: FormData
  headers?: Record<string, string>
  signal?: AbortSignal
  /** A 401 here means "wrong password", not "session expired" (login, change password). */
  expectUnauthorized?: boolean
}

interface HttpConfig {
  getToken: () => string | null
  /** `code` is the server's reason, e.g. `session_ended` after a password change elsewhere. */
  onUnauthorized: (code?: string) => void | Promise<void>
}

const config: HttpConfig = { getToken: () => null, onUnauthorized: () => {} }

export function configureHttp(next: Partial<HttpConfig>): void {
  Object.assign(config, next)
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  const token = config.getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  let body: BodyInit | undefined
  if (options.form) body = options.form
  else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), { method, headers, body, signal: options.signal })
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error
    throw new ApiError('Cannot reach the server. Check your connection and try again.', 0)
  }
  const data = await readBody(response)
  if (response.ok) return data as T
  const code = (data as { code?: string } | null)?.code
  if (response.status === 401 && token && !options.expectUnauthorized) void config.onUnauthorized(code)
  throw new ApiError(errorMessage(response.status, data), response.status, code)
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** `{"error": "..."}` is the server's shape; FastAPI validation errors (`detail`) are turned into words too. */
export function errorMessage(status: number, data: unknown): string {
  if (data && typeof data === 'object') {
    const record = data as { error?: unknown; detail?: unknown }
    if (typeof record.error === 'string' && record.error) return record.error
    if (typeof record.detail === 'string') return record.detail
    if (Array.isArray(record.detail) && record.detail.length) {
      const first = record.detail[0] as { loc?: unknown[]; msg?: string }
      const field = first.loc?.filter((part) => part !== 'body').join('.')
      return field ? `${field}: ${first.msg}` : String(first.msg)
    }
  }
  if (status === 429) return 'Too many attempts. Wait a moment and try again.'
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`
  return `Request failed (${status})`
}

export function newIdempotencyKey(): string {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
