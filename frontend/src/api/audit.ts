// The audit log (admins) and the caller's own sign-in activity. Kept out of ./index.ts so these calls ship only
// with the pages that use them.
import type { AccountActivityOut, AuditPageOut } from './generated'
import { ApiError, buildUrl, errorMessage, request, type Query } from './http'

export interface AuditFilters {
  action?: string
  user?: string
  /** Epoch seconds. */
  since?: number
  until?: number
}

export type ExportFormat = 'csv' | 'json'

export const auditApi = {
  page: (filters: AuditFilters, beforeId?: number | null, limit = 50) =>
    request<AuditPageOut>('GET', '/api/admin/audit', {
      query: { ...(filters as Query), before_id: beforeId ?? undefined, limit },
    }),
  activity: () => request<AccountActivityOut>('GET', '/api/auth/activity'),

  /** The export as a file: fetched with the sign-in token (a plain link would carry none), saved by the browser. */
  async download(format: ExportFormat, filters: AuditFilters, token: string | null): Promise<string> {
    const response = await fetch(buildUrl('/api/admin/audit/export', { ...(filters as Query), format }), {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    })
    if (!response.ok) {
      const body = await response.json().catch(() => null)
      throw new ApiError(errorMessage(response.status, body), response.status)
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `audit.${format}`
    const url = URL.createObjectURL(await response.blob())
    const link = Object.assign(document.createElement('a'), { href: url, download: name })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    return name
  },
}
