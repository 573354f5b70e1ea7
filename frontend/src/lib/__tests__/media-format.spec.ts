import { describe, expect, it } from 'vitest'
import { failureText, money, timeAgo } from '@/lib/format'
import { downloadUrl, isFresh, spriteStyle, tileAt } from '@/lib/media'

describe('sprite scrubbing', () => {
  const sprite = { columns: 5, rows: 2, tile_width: 160, tile_height: 90, count: 10 }

  it('maps the pointer position to a tile', () => {
    expect(tileAt(sprite, 0)).toBe(0)
    expect(tileAt(sprite, 0.55)).toBe(5)
    expect(tileAt(sprite, 1)).toBe(9)
  })

  it('positions the sheet on that tile', () => {
    expect(spriteStyle(sprite, 6)).toEqual({ backgroundSize: '500% 200%', backgroundPosition: '25% 100%' })
  })
})

describe('signed media URLs', () => {
  it('knows when a link is about to expire', () => {
    const now = 1_000_000_000_000
    expect(isFresh('/api/media/v/video?exp=1000000300&sig=x', 60, now)).toBe(true)
    expect(isFresh('/api/media/v/video?exp=1000000030&sig=x', 60, now)).toBe(false)
    expect(isFresh(null)).toBe(false)
  })

  it('asks for an attachment to download', () => {
    expect(downloadUrl('/api/media/v/video?exp=1&sig=x')).toBe('/api/media/v/video?exp=1&sig=x&download=1')
  })
})

describe('words', () => {
  it('formats money and time', () => {
    expect(money(0.4)).toBe('$0.40')
    expect(money(null)).toBe('—')
    expect(timeAgo(1000, 1000_000 + 10_000)).toBe('just now')
    expect(timeAgo(1000, (1000 + 600) * 1000)).toBe('10 min ago')
  })

  it('turns provider errors into sentences', () => {
    expect(failureText('{"error":{"message":"Prompt was blocked"}}')).toBe('Prompt was blocked')
    expect(failureText(null)).toMatch(/did not say/)
    expect(failureText(null, 'expired')).toMatch(/no longer has/)
  })
})
