import { describe, expect, it } from 'vitest'
import { checkDimensions, checkImage, sniffImage } from '@/lib/imageCheck'

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]
const blob = (bytes: number[], size = bytes.length) =>
  new Blob([new Uint8Array([...bytes, ...new Array(Math.max(0, size - bytes.length)).fill(0)])])

describe('checking a reference image when it is picked', () => {
  it('knows an image by its first bytes, not its name', () => {
    expect(sniffImage(new Uint8Array(PNG))).toBe('image/png')
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp')
    expect(sniffImage(new TextEncoder().encode('GIF89a'))).toBeNull()
  })

  it('says what is wrong: type, damage, size, dimensions', async () => {
    const decodes = async () => ({ width: 1280, height: 720 })
    expect((await checkImage(blob([...new TextEncoder().encode('hello')]), decodes)).message).toBe(
      'This is not a JPEG, PNG or WebP image.')
    expect((await checkImage(blob(PNG), async () => null)).message).toContain('cannot be decoded')
    expect((await checkImage(blob(PNG, 11 * 1024 * 1024), decodes)).message).toContain('the limit is 10 MB')
    expect(await checkImage(blob(PNG), decodes)).toEqual({ ok: true, message: '1280×720', width: 1280, height: 720 })
    expect(checkDimensions(8, 8)).toContain('at least 16')
    expect(checkDimensions(10000, 6000)).toContain('50 megapixels')
  })
})
