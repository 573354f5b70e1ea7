// Typed calls to the backend. Shapes come from ./generated (openapi-ts), never written by hand.
import type {
  CheckStatusOut,
  CostStats,
  CreateUserOut,
  Lineage,
  LoginOut,
  MeOut,
  ProvidersOut,
  SuccessMessage,
  SuccessOut,
  UpdateUserApiAdminUsersUserIdPatchData,
  UserEnvelope,
  UsersOut,
  VideoList,
  VideoOut,
} from './generated'
import { request } from './http'

export type * from './generated'
/** PATCH /api/admin/users/:id's body (documented inline, as the route reads JSON or a form). */
export type UpdateUserIn = NonNullable<UpdateUserApiAdminUsersUserIdPatchData['body']>
export { ApiError, configureHttp, newIdempotencyKey } from './http'

export interface VideoQuery {
  limit?: number
  offset?: number
  status?: string
  model?: string
  q?: string
}

export interface ContinueBody {
  prompt: string
  model?: string
  seconds?: string
}

const idempotent = (key: string) => ({ 'Idempotency-Key': key })

export const api = {
  login: (username: string, password: string) =>
    request<LoginOut>('POST', '/api/auth/login', { json: { username, password }, expectUnauthorized: true }),
  me: () => request<MeOut>('GET', '/api/auth/me'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<SuccessMessage>('POST', '/api/admin/change-password', {
      json: { currentPassword, newPassword },
      expectUnauthorized: true,
    }),

  listUsers: () => request<UsersOut>('GET', '/api/admin/users'),
  createUser: (body: { username: string; password: string; role?: 'admin' | 'user' }) =>
    request<CreateUserOut>('POST', '/api/admin/users', { json: body }),
  updateUser: (id: string, body: UpdateUserIn) =>
    request<UserEnvelope>('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, { json: body }),

  providers: () => request<ProvidersOut>('GET', '/api/providers'),

  listVideos: (query: VideoQuery, signal?: AbortSignal) =>
    request<VideoList>('GET', '/api/videos', { query: { ...query }, signal }),
  getVideo: (id: string) => request<VideoOut>('GET', `/api/videos/${id}`),
  createVideo: (form: FormData, key: string) =>
    request<VideoOut>('POST', '/api/videos', { form, headers: idempotent(key) }),
  deleteVideo: (id: string) => request<SuccessOut>('DELETE', `/api/videos/${id}`),
  remix: (id: string, prompt: string, key: string) =>
    request<VideoOut>('POST', `/api/videos/${id}/remix`, { json: { prompt }, headers: idempotent(key) }),
  continueVideo: (id: string, body: ContinueBody, key: string) =>
    request<VideoOut>('POST', `/api/videos/${id}/continue`, { json: body, headers: idempotent(key) }),
  retryDownload: (id: string) => request<VideoOut>('POST', `/api/videos/${id}/retry-download`),
  checkStatus: (id: string) => request<CheckStatusOut>('POST', `/api/videos/${id}/check-status`),
  lineage: (id: string) => request<Lineage>('GET', `/api/videos/${id}/lineage`),
  costStats: () => request<CostStats>('GET', '/api/videos/stats/costs'),
}
