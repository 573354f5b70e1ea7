// Budgets, the admin dashboard and outbound webhooks. Kept out of ./index.ts so these calls ship only with the
// settings and admin pages.
import type {
  BudgetIn,
  BudgetOut,
  BudgetsOut,
  DeliveriesOut,
  EndpointIn,
  EndpointOut,
  EndpointPatch,
  EndpointsOut,
  MyBudgetOut,
  SuccessMessage,
  UsageOut,
  VideoList,
} from './generated'
import { request } from './http'

const id = (value: string) => encodeURIComponent(value)
export interface Period {
  start?: string
  end?: string
}

export const budgetsApi = {
  mine: () => request<MyBudgetOut>('GET', '/api/budget'),
  all: () => request<BudgetsOut>('GET', '/api/admin/budgets'),
  setInstance: (body: BudgetIn) => request<BudgetOut>('PUT', '/api/admin/budgets/instance', { json: body }),
  removeInstance: () => request<SuccessMessage>('DELETE', '/api/admin/budgets/instance'),
  setUser: (userId: string, body: BudgetIn) =>
    request<BudgetOut>('PUT', `/api/admin/users/${id(userId)}/budget`, { json: body }),
  removeUser: (userId: string) => request<SuccessMessage>('DELETE', `/api/admin/users/${id(userId)}/budget`),
  dismissNotice: (noticeId: number) =>
    request<SuccessMessage>('POST', `/api/admin/budget-notices/${noticeId}/dismiss`),
}

export const dashboardApi = {
  usage: (period: Period) => request<UsageOut>('GET', '/api/admin/usage', { query: { ...period } }),
  /** The per-video ledger as CSV text (fetched with the session's token, then saved by the page). */
  ledgerCsv: (period: Period) =>
    request<string>('GET', '/api/admin/usage/ledger.csv', { query: { ...period }, headers: { Accept: 'text/csv' } }),
  userVideos: (userId: string, offset = 0) =>
    request<VideoList>('GET', `/api/admin/users/${id(userId)}/videos`, { query: { limit: 60, offset } }),
}

export const webhooksApi = {
  list: () => request<EndpointsOut>('GET', '/api/outbound-webhooks'),
  create: (body: EndpointIn) => request<EndpointOut>('POST', '/api/outbound-webhooks', { json: body }),
  update: (endpointId: string, body: EndpointPatch) =>
    request<EndpointOut>('PATCH', `/api/outbound-webhooks/${id(endpointId)}`, { json: body }),
  remove: (endpointId: string) => request<SuccessMessage>('DELETE', `/api/outbound-webhooks/${id(endpointId)}`),
  deliveries: (endpointId: string) =>
    request<DeliveriesOut>('GET', `/api/outbound-webhooks/${id(endpointId)}/deliveries`),
  resend: (deliveryId: string) =>
    request<SuccessMessage>('POST', `/api/outbound-webhooks/deliveries/${id(deliveryId)}/resend`),
}
