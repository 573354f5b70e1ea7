// Typed calls to the backend. Shapes come from ./generated (openapi-ts), never written by hand.
import type {
  ArchiveOut,
  BatchOut,
  BulkOut,
  CheckStatusOut,
  CollectionList,
  CollectionOut,
  MembershipOut,
  PresetList,
  PresetOut,
  PublicShareOut,
  ShareList,
  ShareOut,
  CostStats,
  CreateUserOut,
  Estimate,
  UnconfirmedList,
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
  favourite?: boolean
  collection?: string
  batch?: string
  sort?: string
  /** epoch seconds (local day boundaries, computed by the caller) */
  from?: number
  to?: number
}

export type BulkAction = 'delete' | 'favourite' | 'unfavourite' | 'add_to_collection' | 'remove_from_collection'

/** The fields of a preset (PresetIn without the server's Any types). */
export interface PresetBody {
  name: string
  shared?: boolean
  provider?: string | null
  model?: string | null
  size?: string | null
  seconds?: string | null
  aspect_ratio?: string | null
  resolution?: string | null
  seed?: number | null
  negative_prompt?: string | null
  generate_audio?: boolean | null
  prompt_prefix?: string | null
  prompt_suffix?: string | null
}

export interface ShareBody {
  video_id?: string
  collection_id?: string
  show_prompt: boolean
  expires_in_days: number | null
  title?: string | null
}

/** The fields an edit & retry changes (POST /api/videos/:id/retry); left out, they keep the old video's. */
export interface RetryIn {
  prompt?: string
  model?: string
  size?: string
  seconds?: string
  aspect_ratio?: string
  resolution?: string
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
  cancelVideo: (id: string) => request<VideoOut>('POST', `/api/videos/${id}/cancel`),
  retryVideo: (id: string, changes: RetryIn, key: string) =>
    request<VideoOut>('POST', `/api/videos/${id}/retry`, { json: changes, headers: idempotent(key) }),
  dismissVideo: (id: string) => request<VideoOut>('POST', `/api/videos/${id}/dismiss`),
  estimate: (fields: Record<string, string | undefined>) =>
    request<Estimate>('POST', '/api/videos/estimate', { json: fields }),
  unconfirmedVideos: () => request<UnconfirmedList>('GET', '/api/admin/videos/unconfirmed'),
  checkStatus: (id: string) => request<CheckStatusOut>('POST', `/api/videos/${id}/check-status`),
  lineage: (id: string) => request<Lineage>('GET', `/api/videos/${id}/lineage`),
  costStats: () => request<CostStats>('GET', '/api/videos/stats/costs'),

  createVariations: (form: FormData, key: string) =>
    request<BatchOut>('POST', '/api/videos/batch', { form, headers: idempotent(key) }),
  setFavourite: (id: string, on: boolean) =>
    request<VideoOut>(on ? 'PUT' : 'DELETE', `/api/videos/${id}/favourite`),
  bulk: (action: BulkAction, videoIds: string[], collectionId?: string) =>
    request<BulkOut>('POST', '/api/videos/bulk', {
      json: { action, video_ids: videoIds, collection_id: collectionId ?? null },
    }),
  prepareArchive: (videoIds: string[]) =>
    request<ArchiveOut>('POST', '/api/videos/archive', { json: { video_ids: videoIds } }),

  collections: (videoId?: string) =>
    request<CollectionList>('GET', '/api/collections', { query: { video_id: videoId } }),
  collection: (id: string) => request<CollectionOut>('GET', `/api/collections/${encodeURIComponent(id)}`),
  createCollection: (name: string) => request<CollectionOut>('POST', '/api/collections', { json: { name } }),
  renameCollection: (id: string, name: string) =>
    request<CollectionOut>('PATCH', `/api/collections/${encodeURIComponent(id)}`, { json: { name } }),
  deleteCollection: (id: string) => request<SuccessOut>('DELETE', `/api/collections/${encodeURIComponent(id)}`),
  addToCollection: (id: string, videoIds: string[]) =>
    request<MembershipOut>('POST', `/api/collections/${encodeURIComponent(id)}/videos`, {
      json: { video_ids: videoIds },
    }),
  removeFromCollection: (id: string, videoId: string) =>
    request<MembershipOut>('DELETE', `/api/collections/${encodeURIComponent(id)}/videos/${videoId}`),

  presets: () => request<PresetList>('GET', '/api/presets'),
  createPreset: (body: PresetBody) => request<PresetOut>('POST', '/api/presets', { json: body }),
  updatePreset: (id: string, body: PresetBody) =>
    request<PresetOut>('PUT', `/api/presets/${encodeURIComponent(id)}`, { json: body }),
  deletePreset: (id: string) => request<SuccessOut>('DELETE', `/api/presets/${encodeURIComponent(id)}`),

  shares: () => request<ShareList>('GET', '/api/shares'),
  allShares: () => request<ShareList>('GET', '/api/admin/shares'),
  createShare: (body: ShareBody) => request<ShareOut>('POST', '/api/shares', { json: body }),
  revokeShare: (id: string, asAdmin = false) =>
    request<SuccessOut>('DELETE', `/api/${asAdmin ? 'admin/' : ''}shares/${encodeURIComponent(id)}`),
  publicShare: (token: string) =>
    request<PublicShareOut>('GET', `/api/public/shares/${encodeURIComponent(token)}`),
}
