// The admin page's providers. Kept out of ./index.ts so these calls ship only with that (lazy) page.
import type { CheckIn, CheckOut, DefaultModel, ProviderEntry, ProviderIn, ProviderPatch, ProvidersAdminOut, SuccessOut } from './generated'
import { request } from './http'

const path = (id: string) => `/api/admin/providers/${encodeURIComponent(id)}`

export const providersAdminApi = {
  list: () => request<ProvidersAdminOut>('GET', '/api/admin/providers'),
  add: (body: ProviderIn) => request<ProviderEntry>('POST', '/api/admin/providers', { json: body }),
  update: (id: string, body: ProviderPatch) => request<ProviderEntry>('PATCH', path(id), { json: body }),
  remove: (id: string) => request<SuccessOut>('DELETE', path(id)),
  /** Try a configuration before saving it (the key goes to the server, never back). */
  check: (body: CheckIn) => request<CheckOut>('POST', '/api/admin/providers/check', { json: body }),
  /** Check a saved provider with its stored key. */
  checkSaved: (id: string) => request<CheckOut>('POST', `${path(id)}/check`),
  setDefault: (choice: DefaultModel | null) =>
    request<ProvidersAdminOut>('PUT', '/api/admin/providers/default', { json: choice }),
}
