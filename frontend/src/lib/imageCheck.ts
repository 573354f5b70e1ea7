// A reference image is checked the moment it is picked (not after pressing Create): its real type (the first
// bytes, not the name), that it decodes, its size and its dimensions. The limits are the server's.
import { MAX_IMAGE_BYTES } from '@/lib/capabilities'

export const MAX_MEGAPIXELS = 50 // media/images.py MAX_MEGAPIXELS
export const MIN_SIDE = 16

export interface ImageCheck {
  ok: boolean
  message: string
  width?: number
  height?: number
}

/** The image type its first bytes say (JPEG, PNG, WebP), or null. */
export function sniffImage(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if ([0x89, 0x50, 0x4e, 0x47].every((b, i) => bytes[i] === b)) return 'image/png'
  const text = String.fromCharCode(...bytes.slice(0, 12))
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') return 'image/webp'
  return null
}

export function checkDimensions(width: number, height: number): string | null {
  if (width < MIN_SIDE || height < MIN_SIDE) return `The image is only ${width}×${height}; use one at least ${MIN_SIDE} pixels on each side.`
  if (width * height > MAX_MEGAPIXELS * 1_000_000) {
    return `The image is ${width}×${height}, over ${MAX_MEGAPIXELS} megapixels; use a smaller one.`
  }
  return null
}

async function decodedSize(file: Blob): Promise<{ width: number; height: number } | null> {
  try {
    const bitmap = await createImageBitmap(file)
    const size = { width: bitmap.width, height: bitmap.height }
    bitmap.close()
    return size
  } catch {
    return null
  }
}

export async function checkImage(file: Blob, decode: (f: Blob) => Promise<{ width: number; height: number } | null> = decodedSize): Promise<ImageCheck> {
  if (file.size === 0) return { ok: false, message: 'The file is empty.' }
  if (file.size > MAX_IMAGE_BYTES) {
    return { ok: false, message: `The image is ${(file.size / 1048576).toFixed(1)} MB; the limit is 10 MB.` }
  }
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer())
  if (!sniffImage(head)) return { ok: false, message: 'This is not a JPEG, PNG or WebP image.' }
  const size = await decode(file)
  if (!size) return { ok: false, message: 'This image is damaged: it cannot be decoded.' }
  const problem = checkDimensions(size.width, size.height)
  if (problem) return { ok: false, message: problem, ...size }
  return { ok: true, message: `${size.width}×${size.height}`, ...size }
}
