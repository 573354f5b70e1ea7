// Personal API tokens. Kept out of ./index.ts so these calls ship only with the settings and admin pages.
import type { CreateTokenApiTokensPostData, SuccessMessage, TokenCreatedOut, TokensOut } from './generated'
import { request } from './http'

export type TokenCreateIn = NonNullable<CreateTokenApiTokensPostData['body']>

const tokenPath = (id: string) => encodeURIComponent(id)

export const tokensApi = {
  /** The caller's own tokens. */
  list: () => request<TokensOut>('GET', '/api/tokens'),
  /** Needs a password sign-in; the answer holds the secret, once. */
  create: (body: TokenCreateIn) => request<TokenCreatedOut>('POST', '/api/tokens', { json: body }),
  revoke: (id: string) => request<SuccessMessage>('DELETE', `/api/tokens/${tokenPath(id)}`),

  /** Every user's tokens, or one user's (admin only). */
  listAll: (userId?: string) => request<TokensOut>('GET', '/api/admin/tokens', { query: { user_id: userId } }),
  revokeAny: (id: string) => request<SuccessMessage>('DELETE', `/api/admin/tokens/${tokenPath(id)}`),
}
