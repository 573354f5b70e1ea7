import { createPinia, setActivePinia } from 'pinia'
import type { Socket } from 'socket.io-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useNotifyStore } from '@/stores/notify'
import { useSocketStore } from '@/stores/socket'
import { useVideosStore } from '@/stores/videos'
import { fakeFetch, videoFixture } from '@/test/fixtures'

/** Just enough of a socket.io client: handlers we can trigger, and a log of emits. */
class FakeSocket {
  handlers = new Map<string, ((...args: unknown[]) => void)[]>()
  emitted: [string, unknown][] = []
  on(event: string, handler: (...args: unknown[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler])
    return this
  }
  emit(event: string, payload: unknown) {
    this.emitted.push([event, payload])
    return this
  }
  fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args)
  }
  removeAllListeners() {
    this.handlers.clear()
    return this
  }
  disconnect() {
    return this
  }
}

let fake: FakeSocket

async function connected() {
  const socket = useSocketStore()
  fake = new FakeSocket()
  await socket.connect('tok', () => fake as unknown as Socket)
  fake.fire('connect')
  return socket
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('socket → library routing', () => {
  it('moves the progress of a video in the list', async () => {
    const videos = useVideosStore()
    const video = videoFixture({ status: 'in_progress', progress: 10 })
    videos.items = [video]
    const socket = await connected()
    expect(socket.state).toBe('connected')

    fake.fire('video_update', { video_id: video.id, updates: { status: 'in_progress', progress: 55 } })
    expect(videos.get(video.id)?.progress).toBe(55)
    expect(useNotifyStore().queue).toHaveLength(0)
  })

  it('asks for the whole record when an update names a video it does not know', async () => {
    await connected()
    fake.fire('video_update', { video_id: 'unknown', updates: { progress: 20 } })
    expect(fake.emitted).toContainEqual(['request_video_status', { video_id: 'unknown' }])
  })

  it('inserts a whole record (the reply to request_video_status), newest first', async () => {
    const videos = useVideosStore()
    const older = videoFixture({ created_at: 100 })
    videos.items = [older]
    videos.total = 1
    await connected()
    const newer = videoFixture({ created_at: 200, status: 'in_progress', progress: 30 })
    fake.fire('video_update', { video_id: newer.id, video: newer })
    expect(videos.items.map((v) => v.id)).toEqual([newer.id, older.id])
    expect(videos.total).toBe(2)
  })

  it('on completion: tells the user, and fetches the record for its media URLs', async () => {
    vi.useFakeTimers()
    const videos = useVideosStore()
    const video = videoFixture({ status: 'in_progress', progress: 90, prompt: 'A fox' })
    videos.items = [video]
    const done = { ...video, status: 'completed', progress: 100, media: { video: '/api/media/x/video?exp=9&sig=s', thumbnail: null, spritesheet: null, reference: null } }
    const http = fakeFetch({
      [`GET /api/videos/${video.id}`]: () => done,
      'GET /api/videos/stats/costs': () => ({ user_total: 0.4, user_count: 1, platform_total: 0.4, platform_count: 1 }),
    })
    vi.stubGlobal('fetch', http.fn)
    await connected()

    fake.fire('video_update', { video_id: video.id, updates: { status: 'completed', progress: 100, download_state: 'done' } })
    const toast = useNotifyStore().queue[0]
    expect(toast).toMatchObject({ color: 'success', to: `/videos/${video.id}` })
    expect(toast.text).toContain('A fox')

    await vi.advanceTimersByTimeAsync(200)
    expect(http.calls.map((c) => c.url.pathname)).toContain(`/api/videos/${video.id}`)
    expect(videos.get(video.id)?.media?.video).toContain('sig=')
  })

  it('on failure: an error message in words', async () => {
    const videos = useVideosStore()
    const video = videoFixture({ status: 'queued' })
    videos.items = [video]
    vi.stubGlobal('fetch', fakeFetch({}).fn)
    await connected()
    fake.fire('video_update', { video_id: video.id, updates: { status: 'failed', error_message: 'Blocked' } })
    expect(useNotifyStore().queue[0]).toMatchObject({ color: 'error' })
    expect(videos.get(video.id)?.error_message).toBe('Blocked')
  })

  it('does not notify twice for a video that was already finished', async () => {
    const videos = useVideosStore()
    const video = videoFixture({ status: 'completed', progress: 100 })
    videos.items = [video]
    vi.stubGlobal('fetch', fakeFetch({}).fn)
    await connected()
    fake.fire('video_update', { video_id: video.id, updates: { status: 'completed' } })
    fake.fire('video_update', { video_id: video.id, video: { ...video } })
    expect(useNotifyStore().queue).toHaveLength(0)
  })

  it('while live updates are down, polls the running videos so progress still moves', async () => {
    vi.useFakeTimers()
    const videos = useVideosStore()
    const running = videoFixture({ status: 'in_progress', progress: 10 })
    videos.items = [running, videoFixture({ status: 'completed' })]
    const http = fakeFetch({ [`GET /api/videos/${running.id}`]: () => ({ ...running, progress: 70 }) })
    vi.stubGlobal('fetch', http.fn)
    const socket = useSocketStore()
    fake = new FakeSocket()
    await socket.connect('tok', () => fake as unknown as Socket)
    fake.fire('connect_error', new Error('xhr poll error'))
    await vi.advanceTimersByTimeAsync(4100)
    expect(http.calls.map((c) => c.url.pathname)).toEqual([`/api/videos/${running.id}`])
    expect(videos.get(running.id)?.progress).toBe(70)

    fake.fire('connect')
    await vi.advanceTimersByTimeAsync(4100)
    expect(http.calls).toHaveLength(1)
    socket.disconnect()
  })

  it('after a reconnect, asks again about videos still running', async () => {
    const videos = useVideosStore()
    const running = videoFixture({ status: 'in_progress' })
    videos.items = [running, videoFixture({ status: 'completed' })]
    await connected()
    fake.emitted = []
    fake.fire('disconnect')
    expect(useSocketStore().state).toBe('offline')
    fake.fire('connect')
    expect(fake.emitted).toEqual([['request_video_status', { video_id: running.id }]])
  })
})
