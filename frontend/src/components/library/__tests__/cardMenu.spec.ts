import { describe, expect, it } from 'vitest'
import { videoMenu } from '@/components/library/cardMenu'
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
    expect(values).toEqual(['reuse', 'collect', 'check', 'delete'])
  })
})
