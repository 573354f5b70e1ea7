import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useVideosStore } from '@/stores/videos'
import { fakeFetch, videoFixture } from '@/test/fixtures'

beforeEach(() => setActivePinia(createPinia()))

describe('videos store', () => {
  it("keeps a later state that arrived before the video's own POST response", async () => {
    let respond: (value: unknown) => void = () => {}
    const created = videoFixture({ id: 'v1', status: 'queued', progress: 0, estimated_completion_at: null })
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/videos': () => new Promise((resolve) => (respond = resolve)) }).fn)
    const videos = useVideosStore()
    const pending = videos.create({ prompt: 'a kite', providerId: 'emulator', modelId: 'sora-2', size: '1280x720',
      seconds: '4', image: null, imageFit: 'crop' }, 'key-1')
    // The tracker submitted the job and the socket brought the whole record before the response arrived.
    videos.applyEvent({ video_id: 'v1', video: { ...created, status: 'in_progress', estimated_completion_at: 2e9 } })
    respond(created)
    const result = await pending
    expect(result.estimated_completion_at).toBe(2e9)
    expect(videos.get('v1')?.status).toBe('in_progress')
  })
})

describe('videos store and a slow list', () => {
  it('does not let a list asked for before an event undo it', async () => {
    const stale = videoFixture({ id: 'v2', status: 'queued', progress: 0, estimated_completion_at: null })
    let respond: (value: unknown) => void = () => {}
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/videos': () => new Promise((resolve) => (respond = resolve)) }).fn)
    const videos = useVideosStore()
    const loading = videos.load()
    videos.applyEvent({ video_id: 'v2', updates: { status: 'in_progress', estimated_completion_at: 2e9 } })
    respond({ videos: [stale], limit: 24, offset: 0, total: 1 })
    await loading
    expect(videos.get('v2')).toMatchObject({ status: 'in_progress', estimated_completion_at: 2e9, progress: 0 })
  })
})
