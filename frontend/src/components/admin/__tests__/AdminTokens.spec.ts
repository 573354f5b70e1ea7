import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TokenOut, UserOut } from '@/api'
import AdminTokens from '@/components/admin/AdminTokens.vue'
import { fakeFetch } from '@/test/fixtures'
import { mountWithApp } from '@/test/mount'

const users: UserOut[] = [
  { id: 'u-admin', username: 'admin', role: 'admin', disabled: false, created_at: 1 },
  { id: 'u-bob', username: 'bob', role: 'user', disabled: false, created_at: 2 },
]

function token(id: string, username: string): TokenOut {
  const user = users.find((u) => u.username === username)!
  return {
    id, name: `${username}'s token`, prefix: 's2p_12345678', scopes: ['read'], created_at: 1, expires_at: null,
    last_used_at: null, user_id: user.id, username,
  }
}

const $ = (selector: string) => document.body.querySelector<HTMLElement>(selector)

beforeEach(() => {
  vi.stubGlobal('visualViewport', Object.assign(new EventTarget(), { width: 1024, height: 768, scale: 1, offsetTop: 0, offsetLeft: 0 }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('admin API tokens', () => {
  it("lists one user's tokens with the owner, and revokes through the admin route", async () => {
    const http = fakeFetch({
      'GET /api/admin/tokens': (_init, url) => ({
        tokens: url.searchParams.get('user_id') === 'u-bob' ? [token('t-bob', 'bob')] : [token('t-bob', 'bob'), token('t-admin', 'admin')],
      }),
      'DELETE /api/admin/tokens/t-bob': () => ({ success: true, message: 'Token revoked' }),
    })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(AdminTokens, { users, userId: 'u-bob' })
    await flushPromises()

    expect(http.calls[0].url.search).toBe('?user_id=u-bob')
    expect(document.body.querySelectorAll('[data-token-id]')).toHaveLength(1)
    expect($('[data-token-id="t-bob"]')!.textContent).toContain('bob')

    $('[data-token-id="t-bob"] [data-testid="token-revoke"]')!.click()
    await flushPromises()
    expect($('[data-testid="revoke-dialog"]')!.textContent).toContain('of bob')
    $('[data-testid="revoke-confirm"]')!.click()
    await flushPromises()
    expect(http.calls.at(-1)).toMatchObject({ method: 'DELETE' })
    expect(http.calls.at(-1)!.url.pathname).toBe('/api/admin/tokens/t-bob')
    expect($('[data-token-id="t-bob"]')).toBeNull()
    expect($('[data-testid="admin-tokens-empty"]')!.textContent).toContain('bob has no API tokens')
  })

  it("lists everyone's tokens without a filter", async () => {
    const http = fakeFetch({ 'GET /api/admin/tokens': () => ({ tokens: [token('t-bob', 'bob'), token('t-admin', 'admin')] }) })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(AdminTokens, { users })
    await flushPromises()
    expect(http.calls[0].url.search).toBe('')
    expect(document.body.querySelectorAll('[data-token-id]')).toHaveLength(2)
  })
})
