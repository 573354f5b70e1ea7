import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import {
  api, type BatchOut, type BulkAction, type ContinueBody, type CostStats, type Lineage, type RetryIn, type VideoOut,
} from '@/api'
import { type CreateDraft, draftToForm } from '@/lib/capabilities'
import { type LibraryFilters, apiQuery, emptyFilters } from '@/lib/libraryQuery'

export const PAGE_SIZE = 24
const FINAL = new Set(['completed', 'failed'])
/** Fields whose change means the record's media URLs or sprite may have changed: fetch the full record. */
const MEDIA_FIELDS = ['download_state', 'thumbnail_path', 'file_path', 'sprite', 'completed_at']

/** A Socket.IO `video_update`: either changed fields, or the whole record (reply to request_video_status). */
export interface VideoEvent {
  video_id: string
  updates?: Partial<VideoOut>
  video?: VideoOut
}

export interface EventOutcome {
  /** false: the video is not in the list (yet); ask the server for the whole record. */
  known: boolean
  /** The record, when this event moved it from running to completed or failed. */
  finished?: VideoOut
  /** Media changed: the record's signed URLs must be fetched again. */
  needsRefresh?: boolean
}

export type { LibraryFilters }

export const useVideosStore = defineStore('videos', () => {
  const items = ref<VideoOut[]>([])
  /** What socket events said lately, per video: a list response asked for before them is older and must not
   * undo them (a job may be submitted, and its expected completion sent, while the library loads). */
  const recentEvents = new Map<string, { at: number; fields: Partial<VideoOut> }>()
  const total = ref(0)
  const filters = reactive<LibraryFilters>(emptyFilters())
  const loading = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const stats = ref<CostStats | null>(null)
  // Answers for an older filter are dropped: typing in the search box fires several loads.
  let generation = 0

  const hasMore = computed(() => items.value.length < total.value)
  const activeCount = computed(() => items.value.filter((v) => !FINAL.has(v.status)).length)

  function query() {
    return apiQuery(filters)
  }

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const asked = Date.now()
      const page = await api.listVideos({ limit: PAGE_SIZE, offset: 0, ...query() })
      if (mine !== generation) return
      items.value = page.videos.map((video) => withNewerEvents(video, asked))
      total.value = page.total
      error.value = null
      loaded.value = true
    } catch (err) {
      if (mine === generation) error.value = (err as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (loading.value || loadingMore.value || !hasMore.value) return
    const mine = generation
    loadingMore.value = true
    try {
      const asked = Date.now()
      const page = await api.listVideos({ limit: PAGE_SIZE, offset: items.value.length, ...query() })
      if (mine !== generation) return
      const seen = new Set(items.value.map((v) => v.id))
      const more = page.videos.filter((v) => !seen.has(v.id)).map((video) => withNewerEvents(video, asked))
      items.value = [...items.value, ...more]
      total.value = page.total
    } catch (err) {
      error.value = (err as Error).message
    } finally {
      loadingMore.value = false
    }
  }

  function withNewerEvents(video: VideoOut, asked: number): VideoOut {
    const recent = recentEvents.get(video.id)
    return recent && recent.at >= asked ? { ...video, ...recent.fields } : video
  }

  function remember(id: string, fields: Partial<VideoOut>): void {
    const now = Date.now()
    for (const [key, entry] of recentEvents) if (now - entry.at > 60_000) recentEvents.delete(key)
    recentEvents.set(id, { at: now, fields: { ...recentEvents.get(id)?.fields, ...fields } })
  }

  function get(id: string): VideoOut | undefined {
    return items.value.find((v) => v.id === id)
  }

  /** Whether a video the server just told us about belongs at the top of this view (new videos only). */
  function matchesFilters(video: VideoOut): boolean {
    // Views ordered otherwise, or filtered by what a new video cannot have yet, learn of it on the next load.
    if (filters.sort !== 'newest' || filters.collection || filters.favourite || filters.to) return false
    if (filters.batch && video.batch_id !== filters.batch) return false
    if (filters.status && video.status !== filters.status) return false
    if (filters.model && video.model !== filters.model) return false
    const q = filters.q.trim().toLowerCase()
    return !q || video.prompt.toLowerCase().includes(q)
  }

  /** Replace a known record, or insert a new one in newest-first order when it matches the filters. */
  function upsert(video: VideoOut): void {
    const index = items.value.findIndex((v) => v.id === video.id)
    if (index >= 0) {
      items.value[index] = video
      return
    }
    if (!matchesFilters(video)) return
    const at = items.value.findIndex((v) => v.created_at < video.created_at)
    if (at < 0) items.value.push(video)
    else items.value.splice(at, 0, video)
    total.value += 1
  }

  /** A new video's own POST response: the record as it was when created. A socket event may have brought a later
   * state of it already (the tracker can submit before the response arrives); that one is kept. */
  function adopt(video: VideoOut): VideoOut {
    const known = get(video.id)
    if (known) return known
    upsert(video)
    return video
  }

  function forget(id: string): void {
    const before = items.value.length
    items.value = items.value.filter((v) => v.id !== id)
    if (items.value.length < before) total.value = Math.max(0, total.value - 1)
  }

  function applyEvent(event: VideoEvent): EventOutcome {
    remember(event.video_id, event.video ?? event.updates ?? {})
    const current = get(event.video_id)
    const before = current?.status
    if (event.video) {
      upsert(event.video)
      const after = get(event.video_id) ?? event.video
      const finished = before !== undefined && !FINAL.has(before) && FINAL.has(after.status)
      return { known: true, finished: finished ? after : undefined }
    }
    if (!current) return { known: false }
    const updates = event.updates ?? {}
    Object.assign(current, updates)
    const finished = before !== current.status && FINAL.has(current.status) && !FINAL.has(before ?? '')
    const needsRefresh = MEDIA_FIELDS.some((key) => key in updates) || (finished && current.status === 'completed')
    return { known: true, finished: finished ? current : undefined, needsRefresh }
  }

  async function refresh(id: string): Promise<VideoOut> {
    const asked = Date.now()
    const video = withNewerEvents(await api.getVideo(id), asked)
    upsert(video)
    return video
  }

  async function create(draft: CreateDraft, idempotencyKey: string, presetId?: string | null): Promise<VideoOut> {
    const form = draftToForm(draft)
    if (presetId) form.set('preset_id', presetId)
    return adopt(await api.createVideo(form, idempotencyKey))
  }

  /** Several variations of one draft: one request, one batch id, each its own job. */
  async function createVariations(draft: CreateDraft, count: number, idempotencyKey: string,
    presetId?: string | null): Promise<BatchOut> {
    const form = draftToForm(draft)
    form.set('count', String(count))
    if (presetId) form.set('preset_id', presetId)
    const batch = await api.createVariations(form, idempotencyKey)
    batch.videos.forEach((video) => adopt(video))
    return batch
  }

  async function setFavourite(id: string, on: boolean): Promise<VideoOut> {
    const current = get(id)
    if (current) current.favourite = on // at once; the answer (or an error) settles it
    try {
      const video = await api.setFavourite(id, on)
      upsert(video)
      return video
    } catch (err) {
      if (current) current.favourite = !on
      throw err
    }
  }

  /** One action on several videos; returns how many it applied to. */
  async function bulk(action: BulkAction, ids: string[], collectionId?: string): Promise<number> {
    const result = await api.bulk(action, ids, collectionId)
    if (action === 'delete') result.done.forEach(forget)
    if (action === 'favourite' || action === 'unfavourite') {
      for (const id of result.done) {
        const video = get(id)
        if (video) video.favourite = action === 'favourite'
      }
    }
    void loadStats()
    return result.done.length
  }

  async function remix(id: string, prompt: string, idempotencyKey: string): Promise<VideoOut> {
    return adopt(await api.remix(id, prompt.trim(), idempotencyKey))
  }

  async function continueFrom(id: string, body: ContinueBody, idempotencyKey: string): Promise<VideoOut> {
    return adopt(await api.continueVideo(id, { ...body, prompt: body.prompt.trim() }, idempotencyKey))
  }

  async function remove(id: string): Promise<void> {
    await api.deleteVideo(id)
    forget(id)
  }

  async function retryDownload(id: string): Promise<VideoOut> {
    const video = await api.retryDownload(id)
    upsert(video)
    return video
  }

  async function cancel(id: string): Promise<VideoOut> {
    const video = await api.cancelVideo(id)
    upsert(video)
    return video
  }

  /** A new video made again from a failed, cancelled or unconfirmed one (`changes`: edit & retry). */
  async function retry(id: string, changes: RetryIn, idempotencyKey: string): Promise<VideoOut> {
    const made = adopt(await api.retryVideo(id, changes, idempotencyKey))
    void refresh(id).catch(() => {}) // resubmitting settles an unconfirmed original
    return made
  }

  async function dismiss(id: string): Promise<VideoOut> {
    const video = await api.dismissVideo(id)
    upsert(video)
    return video
  }

  async function checkStatus(id: string): Promise<void> {
    const result = await api.checkStatus(id)
    if (result.video) upsert(result.video)
  }

  function lineage(id: string): Promise<Lineage> {
    return api.lineage(id)
  }

  async function loadStats(): Promise<void> {
    try {
      stats.value = await api.costStats()
    } catch {
      /* the cost card is a nicety; the library works without it */
    }
  }

  function reset(): void {
    generation += 1
    items.value = []
    total.value = 0
    loaded.value = false
    stats.value = null
    Object.assign(filters, emptyFilters())
  }

  return {
    items, total, filters, loading, loadingMore, loaded, error, stats, hasMore, activeCount,
    load, loadMore, get, upsert, applyEvent, refresh, create, createVariations, setFavourite, bulk, remix,
    continueFrom, remove, retryDownload, cancel, retry, dismiss,
    checkStatus, lineage, loadStats, reset,
  }
})
