import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TokenOut } from '@/api'
import ApiTokensSection from '@/components/settings/ApiTokensSection.vue'
import { useNotifyStore } from '@/stores/notify'
import { fakeFetch, jsonResponse } from '@/test/fixtures'
import { mountWithApp } from '@/test/mount'

// jsdom has no visualViewport; Vuetify's overlays (the dialogs here) read it.
function stubViewport() {
  vi.stubGlobal('visualViewport', Object.assign(new EventTarget(), { width: 1024, height: 768, scale: 1, offsetTop: 0, offsetLeft: 0 }))
}

const now = Math.floor(Date.now() / 1000)

function tokenFixture(overrides: Partial<TokenOut> = {}): TokenOut {
  return {
    id: 'tok-1',
    name: 'laptop CLI',
    prefix: 's2p_abcdefgh',
    scopes: ['read', 'write'],
    created_at: now - 3 * 86_400,
    expires_at: null,
    last_used_at: null,
    user_id: 'user_1',
    username: 'alice',
    ...overrides,
  }
}

/** Dialogs are teleported to <body>. */
const $ = (selector: string) => document.body.querySelector<HTMLElement>(selector)
const text = (selector: string) => $(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? ''

async function click(selector: string) {
  $(selector)!.click()
  await flushPromises()
}

beforeEach(() => {
  localStorage.clear()
  stubViewport()
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('API tokens in settings', () => {
  it('explains what tokens are for when there are none', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/tokens': () => ({ tokens: [] }) }).fn)
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    expect(text('[data-testid="tokens-empty"]')).toMatch(/command line.*script.*MCP/)
  })

  it('lists tokens with their prefix, scopes and dates', async () => {
    const tokens = [
      tokenFixture(),
      tokenFixture({ id: 'tok-2', name: 'agent', scopes: ['read'], last_used_at: now - 300, expires_at: now - 86_400 }),
    ]
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/tokens': () => ({ tokens }) }).fn)
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    const first = text('[data-token-id="tok-1"]')
    expect(first).toContain('laptop CLI')
    expect(first).toContain('s2p_abcdefgh…')
    const pills = Array.from(document.body.querySelectorAll('[data-token-id="tok-1"] .pill')).map((p) => p.textContent?.trim())
    expect(pills).toEqual(['read', 'write'])
    expect(first).toContain('Never used')
    expect(first).toContain('Never expires')
    const second = text('[data-token-id="tok-2"]')
    expect(second).toContain('Last used 5 min ago')
    expect(second).toContain('Expired 1 day ago')
    expect($('[data-token-id="tok-2"] [data-testid="token-expired"]')).not.toBeNull()
  })

  it('creates a token, reveals its secret once with ready-made snippets, and lists it', async () => {
    const created = { ...tokenFixture({ id: 'tok-new', name: 'Claude Desktop', scopes: ['read'] }), token: 's2p_the-secret' }
    const http = fakeFetch({
      'GET /api/tokens': () => ({ tokens: [] }),
      'POST /api/tokens': () => jsonResponse(201, created),
    })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    await click('[data-testid="new-token"]')

    const name = $('[data-testid="token-name"] input') as HTMLInputElement
    name.value = '  Claude Desktop '
    name.dispatchEvent(new Event('input'))
    await click('[data-testid="token-access-read"]')
    await click('[data-testid="token-create"]')

    const post = http.calls.find((c) => c.method === 'POST')!
    expect(JSON.parse(post.init.body as string)).toEqual({ name: 'Claude Desktop', scopes: ['read'], expires_in_days: null })
    expect(text('[data-testid="token-secret"]')).toBe('s2p_the-secret')
    expect(text('[data-testid="token-reveal"]')).toContain("won't see it again")
    const config = JSON.parse($('[data-testid="token-mcp-config"]')!.textContent!)
    expect(config.mcpServers.sora2).toEqual({
      type: 'http',
      url: `${window.location.origin}/mcp`,
      headers: { Authorization: 'Bearer s2p_the-secret' },
    })
    expect(text('[data-testid="mcp-client"]')).toContain('Claude Code')
    expect(text('[data-testid="token-reveal"]')).toContain(`sora2 login ${window.location.origin}`)
    expect(text('[data-token-id="tok-new"]')).toContain('Claude Desktop')

    await click('[data-testid="token-done"]')
    await vi.waitFor(() => expect(document.body.innerHTML).not.toContain('s2p_the-secret'))
  })

  it('does not send a token without a name', async () => {
    const http = fakeFetch({ 'GET /api/tokens': () => ({ tokens: [] }) })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    await click('[data-testid="new-token"]')
    await click('[data-testid="token-create"]')
    expect(http.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    expect(text('[data-testid="token-dialog"]')).toContain('Give the token a name')
  })

  it('shows the server refusal in the snackbar and keeps the form', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/tokens': () => ({ tokens: [] }),
        'POST /api/tokens': () => jsonResponse(400, { error: 'You already have 100 tokens; revoke some first', code: 'too_many_tokens' }),
      }).fn,
    )
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    await click('[data-testid="new-token"]')
    const name = $('[data-testid="token-name"] input') as HTMLInputElement
    name.value = 'one more'
    name.dispatchEvent(new Event('input'))
    await click('[data-testid="token-create"]')
    const notify = useNotifyStore()
    expect(notify.queue.map((t) => [t.color, t.text])).toEqual([['error', 'You already have 100 tokens; revoke some first']])
    expect($('[data-testid="token-reveal"]')).toBeNull()
    expect($('[data-testid="token-name"]')).not.toBeNull()
  })

  it('revokes a token only after confirmation', async () => {
    const http = fakeFetch({
      'GET /api/tokens': () => ({ tokens: [tokenFixture()] }),
      'DELETE /api/tokens/tok-1': () => ({ success: true, message: 'Token revoked' }),
    })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(ApiTokensSection)
    await flushPromises()
    await click('[data-token-id="tok-1"] [data-testid="token-revoke"]')
    expect(text('[data-testid="revoke-dialog"]')).toContain('laptop CLI')
    expect(http.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0)
    await click('[data-testid="revoke-confirm"]')
    expect(http.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1)
    expect($('[data-token-id="tok-1"]')).toBeNull()
    expect(useNotifyStore().queue[0]).toMatchObject({ color: 'success' })
  })
})
