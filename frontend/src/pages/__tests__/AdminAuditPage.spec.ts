import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEntryOut } from '@/api'
import AdminAuditPage from '@/pages/AdminAuditPage.vue'
import { fakeFetch } from '@/test/fixtures'
import { mountWithApp } from '@/test/mount'

function entry(id: number, action: string, extra: Partial<AuditEntryOut> = {}): AuditEntryOut {
  return {
    id, at: 1_800_000_000 - id, action, actor_id: 'u1', actor_name: 'admin', target: 'user:u2', target_name: 'bob',
    address: '127.0.0.1', details: null, ...extra,
  }
}

const $ = (selector: string) => document.body.querySelector<HTMLElement>(selector)
const $$ = (selector: string) => document.body.querySelectorAll<HTMLElement>(selector)

beforeEach(() => {
  vi.stubGlobal('visualViewport', Object.assign(new EventTarget(), { width: 1024, height: 768, scale: 1, offsetTop: 0, offsetLeft: 0 }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the audit log page', () => {
  it('lists entries in words, filters by user, and pages back with before_id', async () => {
    const actions = ['auth.sign_in', 'auth.sign_in_failed', 'user.disabled']
    const http = fakeFetch({
      'GET /api/admin/audit': (_init, url) =>
        url.searchParams.get('before_id') === '3'
          ? { entries: [entry(2, 'auth.sign_in')], next_before: null, actions }
          : {
              entries: [entry(4, 'auth.sign_in_failed', { actor_id: null, actor_name: null, details: { reason: 'wrong password' } }), entry(3, 'user.disabled')],
              next_before: 3,
              actions,
            },
    })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(AdminAuditPage)
    await flushPromises()

    const rows = $$('[data-testid="audit-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0].textContent).toContain('Failed sign-in')
    expect(rows[0].textContent).toContain('reason: wrong password')
    expect(rows[1].textContent).toContain('Account disabled')
    expect(rows[1].textContent).toContain('bob')

    $('[data-testid="audit-more"]')!.click()
    await flushPromises()
    expect(http.calls[1].url.searchParams.get('before_id')).toBe('3')
    expect($$('[data-testid="audit-row"]')).toHaveLength(3)
    expect($('[data-testid="audit-more"]')).toBeNull()

    const user = $('[data-testid="audit-user"] input') as HTMLInputElement
    user.value = 'bob'
    user.dispatchEvent(new Event('input'))
    $('[data-testid="audit-apply"]')!.click()
    await flushPromises()
    const last = http.calls.at(-1)!.url
    expect(last.searchParams.get('user')).toBe('bob')
    expect(last.searchParams.has('before_id')).toBe(false)
  }, 20_000) // the first mount of Vuetify's table and fields takes seconds on a busy machine
})
