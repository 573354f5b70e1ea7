import type { ProvidersOut, VideoOut } from '@/api'

export const providersFixture: ProvidersOut = {
  default_provider: 'emulator',
  default_model: 'sora-2',
  providers: [
    {
      id: 'emulator',
      name: 'Emulator',
      emulated: true,
      concurrency: 4,
      models: [
        {
          id: 'sora-2',
          name: 'Sora 2',
          sizes: ['1280x720', '720x1280'],
          durations: ['4', '8', '12'],
          default_size: '1280x720',
          default_duration: '4',
          features: { image_reference: true, remix: true, extend: false, audio: false },
          price_per_second: { '1280x720': 0.1, '720x1280': 0.1 },
        },
        {
          id: 'sora-2-pro',
          name: 'Sora 2 Pro',
          sizes: ['1280x720', '720x1280', '1792x1024', '1024x1792'],
          durations: ['4', '8', '12'],
          default_size: '1280x720',
          default_duration: '8',
          features: { image_reference: true, remix: true, extend: false, audio: false },
          price_per_second: { '1280x720': 0.3, '720x1280': 0.3, '1792x1024': 0.5, '1024x1792': 0.5 },
        },
        {
          id: 'veo-fast',
          name: 'Veo Fast',
          sizes: ['1280x720'],
          durations: ['6', '8'],
          default_size: '1280x720',
          default_duration: '8',
          features: { image_reference: false, remix: false, extend: true, audio: true },
          price_per_second: { '1280x720': 0.15 },
        },
      ],
    },
    {
      id: 'openrouter',
      name: 'OpenRouter',
      emulated: false,
      concurrency: 4,
      models: [
        {
          id: 'google/veo-3.1-fast',
          name: 'Google: Veo 3.1 Fast',
          sizes: ['1280x720', '720x1280', '1920x1080', '1080x1920'],
          durations: ['4', '6', '8'],
          default_size: '1280x720',
          default_duration: '8',
          features: {
            image_reference: true, remix: false, extend: true, audio: true, audio_toggle: true, last_frame: true,
            seed: true, negative_prompt: true,
          },
          price_per_second: { '1280x720': 0.1, '720x1280': 0.1, '1920x1080': 0.15, '1080x1920': 0.15 },
          aspect_ratios: ['16:9', '9:16'],
          resolutions: ['720p', '1080p'],
          default_aspect_ratio: '16:9',
          default_resolution: '720p',
          price_per_second_by_resolution: { '720p': 0.1, '1080p': 0.15 },
          frame_images: ['first_frame', 'last_frame'],
        },
      ],
    },
  ],
}

let counter = 0

export function videoFixture(overrides: Partial<VideoOut> = {}): VideoOut {
  counter += 1
  return {
    id: `vid-${counter}`,
    user_id: 'user_1',
    provider: 'emulator',
    provider_video_id: `video_${counter}`,
    openai_video_id: `video_${counter}`,
    prompt: `A test prompt ${counter}`,
    model: 'sora-2',
    size: '1280x720',
    seconds: '4',
    status: 'queued',
    progress: 0,
    created_at: 1_700_000_000 + counter,
    completed_at: null,
    file_path: null,
    thumbnail_path: null,
    error_message: null,
    has_input_reference: false,
    has_audio: false,
    reference_image_paths: null,
    provider_metadata: null,
    remix_of: null,
    continued_from: null,
    cost: 0.4,
    actual_cost: null,
    emulated: true,
    download_state: null,
    download_error: null,
    expires_at: null,
    media: null,
    sprite: null,
    ...overrides,
    // `state` follows `status` unless a test says otherwise (cancelled and unconfirmed read as failed there).
    state: overrides.state ?? overrides.status ?? 'queued',
    billing: overrides.billing ?? 'charged',
  }
}

/** A fetch stand-in: routes `METHOD /path` to handlers and records every call. */
export function fakeFetch(routes: Record<string, (init: RequestInit, url: URL) => unknown | Promise<unknown>>) {
  const calls: { method: string; url: URL; init: RequestInit }[] = []
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const method = (init.method ?? 'GET').toUpperCase()
    calls.push({ method, url, init })
    const handler = routes[`${method} ${url.pathname}`]
    if (!handler) return new Response(JSON.stringify({ error: 'Not found' }), { status: 404 })
    const result = await handler(init, url)
    if (result instanceof Response) return result
    return new Response(JSON.stringify(result), { status: 200, headers: { 'Content-Type': 'application/json' } })
  }
  return { fn, calls }
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
