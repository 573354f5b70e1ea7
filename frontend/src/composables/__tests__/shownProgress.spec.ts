import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import type { VideoOut } from '@/api'
import { interpolatedProgress, useShownProgress } from '@/composables/shownProgress'

describe('interpolatedProgress', () => {
  it('moves from the last reading toward 100 at the expected time, stopping at 99', () => {
    expect(interpolatedProgress(20, 1000, 1040, 1000)).toBe(20)
    expect(interpolatedProgress(20, 1000, 1040, 1020)).toBe(60)
    expect(interpolatedProgress(20, 1000, 1040, 1100)).toBe(99) // late: not done until the server says so
  })

  it('shows the reading alone without an estimate', () => {
    expect(interpolatedProgress(35, 1000, null, 1500)).toBe(35)
    expect(interpolatedProgress(35, 1000, 900, 1500)).toBe(35)
  })
})

describe('useShownProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date(1_000_000 * 1000))
  })
  afterEach(() => vi.useRealTimers())

  it('ticks while running, never goes back on a lower reading, and stops when done', async () => {
    const video = ref({ status: 'in_progress', progress: 0, estimated_completion_at: 1_000_010 } as VideoOut)
    const scope = effectScope()
    const shown = scope.run(() => useShownProgress(video))!
    expect(shown.value).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(shown.value).toBe(50)
    video.value = { ...video.value, progress: 30 } // a reading behind the estimate: the bar keeps its place
    await nextTick()
    expect(shown.value).toBe(50)
    vi.advanceTimersByTime(2500)
    expect(shown.value).toBe(75)
    video.value = { ...video.value, status: 'completed', progress: 100, estimated_completion_at: null }
    await nextTick()
    expect(shown.value).toBe(100)
    scope.stop()
  })
})
