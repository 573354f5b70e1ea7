import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import CreateForm from '@/components/create/CreateForm.vue'
import { useProvidersStore } from '@/stores/providers'
import { fakeFetch, providersFixture, videoFixture } from '@/test/fixtures'
import { mountWithApp } from '@/test/mount'

async function mountForm(defaultModel = 'sora-2', defaultProvider = 'emulator') {
  const mounted = await mountWithApp(CreateForm)
  const providers = useProvidersStore()
  providers.providers = providersFixture.providers
  providers.defaultProvider = defaultProvider
  providers.defaultModel = defaultModel
  providers.loaded = true
  await flushPromises()
  return mounted
}

const text = (el: { text(): string }) => el.text().replace(/\s+/g, ' ')
/** What the form sent (it also reads the presets on its own). */
const posts = (http: { calls: { method: string; url: URL; init: RequestInit }[] }) => http.calls.filter((c) => c.method === 'POST')

beforeEach(() => localStorage.clear())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('CreateForm', () => {
  it('offers only the durations and features of the chosen model, and labels the emulator', async () => {
    const { wrapper } = await mountForm()
    const durations = wrapper.findAll('[data-testid^="duration-"]').map((b) => b.text())
    expect(durations).toEqual(['4 s', '8 s', '12 s'])
    expect(wrapper.find('[data-testid="image-drop"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="emulator-notice"]').exists()).toBe(true)

    expect(wrapper.find('[data-testid="orientation"]').exists()).toBe(true)
  })

  it('for a model with fewer options, offers fewer: durations, orientation, image', async () => {
    const { wrapper } = await mountForm('veo-fast')
    expect(wrapper.findAll('[data-testid^="duration-"]').map((b) => b.text())).toEqual(['6 s', '8 s'])
    expect(wrapper.find('[data-testid="image-drop"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="orientation"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('does not take a reference image')
    expect(wrapper.text()).toContain('Makes sound')
  })

  it('shows the estimated cost and updates it with the duration', async () => {
    const { wrapper } = await mountForm()
    expect(text(wrapper.get('[data-testid="cost-estimate"]'))).toBe('$0.40')
    await wrapper.get('[data-testid="duration-12"]').trigger('click')
    expect(text(wrapper.get('[data-testid="cost-estimate"]'))).toBe('$1.20')
  })

  it('does not send an empty prompt', async () => {
    const http = fakeFetch({})
    vi.stubGlobal('fetch', http.fn)
    const { wrapper } = await mountForm()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(posts(http)).toHaveLength(0)
    expect(wrapper.text()).toContain('Describe the video you want.')
  })

  it('one submit sends one request with an Idempotency-Key, the button disabled while sending', async () => {
    let release: (value: unknown) => void = () => {}
    const http = fakeFetch({
      'POST /api/videos': () => new Promise((resolve) => (release = resolve)),
    })
    vi.stubGlobal('fetch', http.fn)
    const { wrapper, router } = await mountForm()
    await wrapper.get('textarea').setValue('A paper boat in the rain')
    await wrapper.get('form').trigger('submit')
    await wrapper.get('form').trigger('submit') // a double click
    await flushPromises()

    expect(posts(http)).toHaveLength(1)
    const headers = posts(http)[0]!.init.headers as Record<string, string>
    expect(headers['Idempotency-Key']).toMatch(/.{8,}/)
    const body = posts(http)[0]!.init.body as FormData
    expect(body.get('prompt')).toBe('A paper boat in the rain')
    expect(body.get('model')).toBe('sora-2')
    expect(body.get('size')).toBe('1280x720')
    expect(body.get('seconds')).toBe('4')
    expect(wrapper.get('[data-testid="submit-create"]').attributes('disabled')).toBeDefined()

    release(videoFixture({ prompt: 'A paper boat in the rain' }))
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('library'))
  })

  it('offers aspect ratio and resolution pickers for models described that way, and sends them', async () => {
    const http = fakeFetch({ 'POST /api/videos': () => videoFixture() })
    vi.stubGlobal('fetch', http.fn)
    const { wrapper } = await mountForm('google/veo-3.1-fast', 'openrouter')
    expect(wrapper.find('[data-testid="size-select"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="orientation"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid^="ratio-"]').map((b) => b.text())).toEqual(['16:9', '9:16'])
    expect(wrapper.find('[data-testid="resolution-select"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="audio-switch"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="seed"]').exists()).toBe(true)
    await wrapper.get('[data-testid="ratio-9:16"]').trigger('click')
    expect(text(wrapper.get('[data-testid="cost-estimate"]'))).toBe('$0.80')
    expect(wrapper.text()).toContain('8 s at 9:16 · 720p')

    await wrapper.get('textarea').setValue('A heron at dawn')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const body = posts(http)[0]!.init.body as FormData
    expect([body.get('model'), body.get('aspect_ratio'), body.get('resolution')]).toEqual([
      'google/veo-3.1-fast', '9:16', '720p',
    ])
    expect(body.get('size')).toBeNull()
    expect(body.get('generate_audio')).toBe('true')
  })

  it('variations: the estimate is multiplied before submitting, and one batch request goes out', async () => {
    const batch = { batch_id: 'b-1', videos: [videoFixture(), videoFixture(), videoFixture()], estimated_total: 1.2 }
    const http = fakeFetch({ 'POST /api/videos/batch': () => batch })
    vi.stubGlobal('fetch', http.fn)
    const { wrapper, router } = await mountForm()
    await wrapper.get('[data-testid="variations-3"]').trigger('click')
    expect(text(wrapper.get('[data-testid="cost-estimate"]'))).toBe('$1.20')
    expect(wrapper.text()).toContain('Estimated cost (3 × $0.40)')
    expect(wrapper.get('[data-testid="submit-create"]').text()).toBe('Create 3 videos')
    await wrapper.get('textarea').setValue('Three foxes')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const sent = posts(http)
    expect(sent.map((c) => c.url.pathname)).toEqual(['/api/videos/batch'])
    expect((sent[0]!.init.body as FormData).get('count')).toBe('3')
    await vi.waitFor(() => expect(router.currentRoute.value.query.batch).toBe('b-1'))
  })

  it('shows the server’s reason when it refuses', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /api/videos': () =>
          new Response(JSON.stringify({ error: 'seconds must be one of 4, 8, 12' }), { status: 400 }),
      }).fn,
    )
    const { wrapper } = await mountForm()
    await wrapper.get('textarea').setValue('Something')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="create-error"]').text()).toContain('seconds must be one of 4, 8, 12')
  })
})
