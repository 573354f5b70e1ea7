// The progress bar between provider readings. Readings can be far apart: once the tracker knows how long a kind of
// job takes it may look only once, when the job should be done. Until then the bar moves on from the last reading
// toward the server's `estimated_completion_at`: never backwards, never past 99 % before the video is ready.
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue'
import type { VideoOut } from '@/api'
import { isActive, stateOf } from '@/lib/format'

const nowSeconds = (): number => Date.now() / 1000

/** `progress` read at `readAt`, moved on linearly so that it would reach 100 at `expectedAt` (all epoch seconds). */
export function interpolatedProgress(progress: number, readAt: number, expectedAt: number | null | undefined,
  now: number): number {
  if (!expectedAt || expectedAt <= readAt) return progress
  const share = Math.min(1, Math.max(0, (now - readAt) / (expectedAt - readAt)))
  return Math.max(progress, Math.min(99, Math.floor(progress + (100 - progress) * share)))
}

export function useShownProgress(video: Ref<VideoOut>): ComputedRef<number> {
  const now = ref(nowSeconds())
  const base = ref({ progress: video.value.progress, at: now.value })
  const moving = computed(() => isActive(stateOf(video.value)) && Boolean(video.value.estimated_completion_at))
  const shown = computed(() =>
    moving.value
      ? interpolatedProgress(base.value.progress, base.value.at, video.value.estimated_completion_at, now.value)
      : video.value.progress,
  )
  // A new reading or a new estimate: go on from what is shown now (or the reading, if it is ahead).
  watch(
    () => [video.value.progress, video.value.estimated_completion_at],
    () => {
      now.value = nowSeconds()
      base.value = { progress: Math.max(video.value.progress, shown.value), at: now.value }
    },
  )
  let timer: ReturnType<typeof setInterval> | undefined
  watch(
    moving,
    (on) => {
      clearInterval(timer)
      timer = on ? setInterval(() => (now.value = nowSeconds()), 500) : undefined
    },
    { immediate: true },
  )
  onScopeDispose(() => clearInterval(timer))
  return shown
}
