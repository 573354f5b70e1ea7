import { describe, expect, it } from 'vitest'
import { outcomeItems, videoMenu } from '@/components/library/cardMenu'
import { videoFixture } from '@/test/fixtures'

describe("a card's menu", () => {
  it('offers reuse, collections and sharing, and delete last', () => {
    const video = videoFixture({ status: 'completed', batch_id: 'b1', media: { video: '/v.mp4' } })
    const values = videoMenu(video, { canRemix: true, canContinue: false, active: false }).map((i) => i.value)
    expect(values[0]).toBe('reuse')
    expect(values).toEqual(expect.arrayContaining(['compare', 'collect', 'share', 'remix']))
    expect(values.at(-1)).toBe('delete')
    expect(values).not.toContain('continue')
  })

  it('a video without a file cannot be shared', () => {
    const video = videoFixture({ status: 'in_progress', media: null, batch_id: null })
    const values = videoMenu(video, { canRemix: false, canContinue: false, active: true }).map((i) => i.value)
    expect(values).toEqual(['reuse', 'collect', 'check', 'cancel', 'delete'])
  })

  it("offers what the job's state allows: cancel while it runs, retry after, resubmit or dismiss when unconfirmed", () => {
    const items = (state: string, status: string) =>
      outcomeItems(videoFixture({ state, status })).map((i) => `${i.value}:${i.title}`)
    expect(items('confirming', 'queued')).toEqual(['cancel:Cancel'])
    expect(items('completed', 'completed')).toEqual([])
    expect(items('cancelled', 'failed')).toEqual(['retry:Retry', 'edit-retry:Edit & retry'])
    expect(items('unconfirmed', 'failed')).toEqual(['retry:Resubmit', 'edit-retry:Edit & retry', 'dismiss:Dismiss'])
  })
})
