// Every place that shows a video (library card, player) offers the same actions; one owner runs them, with the
// confirmation and prompt dialogs they need.
import { type InjectionKey, inject, provide, reactive } from 'vue'
import { useRouter } from 'vue-router'
import { type RetryIn, type VideoOut, newIdempotencyKey } from '@/api'
import { downloadUrl, isFresh } from '@/lib/media'
import { useNotifyStore } from '@/stores/notify'
import { useVideosStore } from '@/stores/videos'

export type VideoAction =
  | 'play' | 'download' | 'remix' | 'continue' | 'redownload' | 'check' | 'delete'
  | 'reuse' | 'favourite' | 'collect' | 'share' | 'compare'
  | 'cancel' | 'retry' | 'edit-retry' | 'dismiss'
export type DeriveMode = 'remix' | 'continue'

export interface VideoActions {
  state: {
    derive: { mode: DeriveMode; video: VideoOut } | null
    deleting: VideoOut | null
    /** Videos to put into collections (one from a card or the player, several from a selection). */
    collecting: VideoOut[] | null
    /** What to make a share link for. */
    sharing: { video?: VideoOut; collection?: { id: string; name: string } } | null
    /** A job to cancel, once confirmed (the dialog says what it may cost). */
    cancelling: VideoOut | null
    /** A video to make again: as it was, or edited first; the dialog shows the new job's cost. */
    retrying: { video: VideoOut; edit: boolean } | null
    busy: boolean
    /** Why the last remix/continue failed, shown in its dialog. */
    error: string | null
  }
  /** Whether any of the dialogs is open (the page mounts them, lazily, the first time one is). */
  anyOpen: () => boolean
  run: (action: VideoAction, video: VideoOut) => Promise<void>
  confirmDelete: () => Promise<void>
  confirmCancel: () => Promise<void>
  submitRetry: (changes: RetryIn, key: string) => Promise<void>
  submitDerive: (body: { prompt: string; model?: string; seconds?: string }, key: string) => Promise<void>
  close: () => void
}

const KEY: InjectionKey<VideoActions> = Symbol('videoActions')

export function useVideoActions(): VideoActions {
  const actions = inject(KEY)
  if (!actions) throw new Error('useVideoActions() needs provideVideoActions() in a parent')
  return actions
}

export function provideVideoActions(): VideoActions {
  const router = useRouter()
  const videos = useVideosStore()
  const notify = useNotifyStore()
  const state = reactive<VideoActions['state']>({
    derive: null, deleting: null, collecting: null, sharing: null, cancelling: null, retrying: null, busy: false,
    error: null,
  })

  async function withFreshMedia(video: VideoOut): Promise<VideoOut> {
    return isFresh(video.media?.video) ? video : videos.refresh(video.id)
  }

  async function download(video: VideoOut): Promise<void> {
    const fresh = await withFreshMedia(video)
    if (!fresh.media?.video) {
      notify.error('This video has no downloaded file yet.')
      return
    }
    const link = document.createElement('a')
    link.href = downloadUrl(fresh.media.video)
    link.download = `${video.id}.mp4`
    document.body.appendChild(link)
    link.click()
    link.remove()
  }

  async function attempt(task: () => Promise<unknown>, success?: string): Promise<void> {
    try {
      await task()
      if (success) notify.success(success)
    } catch (err) {
      notify.error((err as Error).message)
    }
  }

  async function run(action: VideoAction, video: VideoOut): Promise<void> {
    switch (action) {
      case 'play':
        // The library's filters stay in the URL, so previous/next and closing keep the same view.
        await router.push({ name: 'video', params: { id: video.id }, query: router.currentRoute.value.query })
        return
      case 'download':
        return attempt(() => download(video))
      case 'remix':
      case 'continue':
        state.error = null
        state.derive = { mode: action, video }
        return
      case 'redownload':
        return attempt(() => videos.retryDownload(video.id), 'Downloading the video again.')
      case 'cancel':
        state.cancelling = video
        return
      case 'retry':
      case 'edit-retry':
        state.error = null
        state.retrying = { video, edit: action === 'edit-retry' }
        return
      case 'dismiss':
        return attempt(() => videos.dismiss(video.id), 'Dismissed. Nothing was resubmitted.')
      case 'check':
        return attempt(() => videos.checkStatus(video.id), 'Asked the provider for news.')
      case 'delete':
        state.deleting = video
        return
      case 'reuse':
        await router.push({ name: 'create', query: { reuse: video.id } })
        return
      case 'favourite':
        return attempt(() => videos.setFavourite(video.id, !video.favourite))
      case 'collect':
        state.collecting = [video]
        return
      case 'share':
        state.sharing = { video }
        return
      case 'compare':
        await router.push({ name: 'library', query: { batch: video.batch_id ?? undefined } })
    }
  }

  async function confirmDelete(): Promise<void> {
    const video = state.deleting
    if (!video || state.busy) return
    state.busy = true
    try {
      await videos.remove(video.id)
      notify.success('Video deleted and its files removed.')
      const current = router.currentRoute.value
      if (current.name === 'video' && current.params.id === video.id) {
        await router.replace({ name: 'library', query: current.query })
      }
    } catch (err) {
      notify.error((err as Error).message)
    } finally {
      state.busy = false
      state.deleting = null
    }
  }

  async function confirmCancel(): Promise<void> {
    const video = state.cancelling
    if (!video || state.busy) return
    state.busy = true
    try {
      const cancelled = await videos.cancel(video.id)
      notify.success(cancelled.error_message ?? 'Cancelled.')
    } catch (err) {
      notify.error((err as Error).message)
    } finally {
      state.busy = false
      state.cancelling = null
    }
  }

  async function submitRetry(changes: RetryIn, key: string): Promise<void> {
    const retrying = state.retrying
    if (!retrying || state.busy) return
    state.busy = true
    state.error = null
    try {
      const made = await videos.retry(retrying.video.id, changes, key)
      state.retrying = null
      notify.success('A new video was started.')
      await router.push({ name: 'library', query: router.currentRoute.value.query, hash: `#video-${made.id}` })
    } catch (err) {
      state.error = (err as Error).message
    } finally {
      state.busy = false
    }
  }

  async function submitDerive(body: { prompt: string; model?: string; seconds?: string }, key: string) {
    const derive = state.derive
    if (!derive || state.busy) return
    state.busy = true
    state.error = null
    try {
      const made =
        derive.mode === 'remix'
          ? await videos.remix(derive.video.id, body.prompt, key)
          : await videos.continueFrom(derive.video.id, body, key)
      state.derive = null
      notify.success(derive.mode === 'remix' ? 'Remix started.' : 'Continuation started.')
      await router.push({ name: 'library', hash: `#video-${made.id}` })
    } catch (err) {
      state.error = (err as Error).message
    } finally {
      state.busy = false
    }
  }

  function close(): void {
    if (state.busy) return
    state.derive = null
    state.deleting = null
    state.collecting = null
    state.sharing = null
    state.cancelling = null
    state.retrying = null
  }

  function anyOpen(): boolean {
    return Boolean(state.derive || state.deleting || state.collecting || state.sharing || state.cancelling
      || state.retrying)
  }

  const actions: VideoActions = {
    state, anyOpen, run, confirmDelete, confirmCancel, submitRetry, submitDerive, close,
  }
  provide(KEY, actions)
  return actions
}

export { newIdempotencyKey }
