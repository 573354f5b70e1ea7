import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BudgetOut, EndpointOut } from '@/api'
import BudgetSection from '@/components/settings/BudgetSection.vue'
import WebhooksSection from '@/components/settings/WebhooksSection.vue'
import { fakeFetch, jsonResponse } from '@/test/fixtures'
import { mountWithApp } from '@/test/mount'

const $ = (selector: string) => document.body.querySelector<HTMLElement>(selector)

function budget(extra: Partial<BudgetOut>): BudgetOut {
  return {
    scope: 'user', user_id: 'u1', amount: 10, period: 'month', period_days: null, period_label: 'monthly', used: 8.5,
    reserved: 0.4, remaining: 1.5, percent: 85, window_start: 1, resets_at: 1796083200, ...extra,
  }
}

beforeEach(() => {
  vi.stubGlobal('visualViewport', Object.assign(new EventTarget(), { width: 1024, height: 768, scale: 1, offsetTop: 0, offsetLeft: 0 }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('spending in Settings', () => {
  it('shows what is left of each budget, what is reserved, and says when none is set', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/budget': () => ({ user: budget({}), instance: budget({ scope: 'instance', amount: 500, remaining: 420, used: 80, reserved: 0, percent: 16 }) }) }).fn)
    await mountWithApp(BudgetSection)
    await flushPromises()
    expect($('[data-testid="my-budget"]')!.textContent).toContain('$1.50 left of $10.00')
    expect($('[data-testid="my-budget"]')!.textContent).toContain('$0.40 reserved by videos in progress')
    expect($('[data-testid="shared-budget"]')!.textContent).toContain('$420.00 left of $500.00')
    document.body.innerHTML = ''

    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/budget': () => ({ user: null, instance: null }) }).fn)
    await mountWithApp(BudgetSection)
    await flushPromises()
    expect($('[data-testid="no-budget"]')!.textContent).toContain('No spending limit')
  })
})

describe('webhooks in Settings', () => {
  const endpoint: EndpointOut = {
    id: 'ep1', user_id: 'u1', url: 'https://hooks.example/sora2', description: 'chat', events: ['video.completed'],
    instance_wide: false, enabled: true, secret: 'whsec_abc', created_at: 1,
  }

  it("lists endpoints with their secret and shows the server's refusal of a private address", async () => {
    const http = fakeFetch({
      'GET /api/outbound-webhooks': () => ({ endpoints: [endpoint] }),
      'POST /api/outbound-webhooks': () =>
        jsonResponse(400, { error: 'Private, loopback and link-local addresses are not allowed for webhooks', code: 'url_not_allowed' }),
    })
    vi.stubGlobal('fetch', http.fn)
    await mountWithApp(WebhooksSection)
    await flushPromises()
    expect($('[data-endpoint="https://hooks.example/sora2"]')!.textContent).toContain('whsec_abc')

    $('[data-testid="add-webhook"]')!.click()
    await flushPromises()
    const input = $('[data-testid="webhook-url"] input') as HTMLInputElement
    input.value = 'https://10.0.0.7/hook'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    $('[data-testid="webhook-save"]')!.click()
    await flushPromises()
    expect($('[data-testid="webhook-error"]')!.textContent).toContain('Private, loopback')
    const sent = http.calls.find((c) => c.method === 'POST')!
    expect(JSON.parse(String(sent.init.body))).toMatchObject({ url: 'https://10.0.0.7/hook', instance_wide: false })
  })
})
