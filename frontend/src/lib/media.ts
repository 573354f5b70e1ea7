// Signed media URLs (`/api/media/...?exp=&sig=`) carry no login token and expire; these helpers read them.

/** Seconds since the epoch at which a signed URL stops working, or null when it has no expiry. */
export function mediaExpiry(url: string | null | undefined): number | null {
  if (!url) return null
  const match = /[?&]exp=(\d+)/.exec(url)
  return match ? Number(match[1]) : null
}

/** True when the URL works for at least `marginSeconds` more. */
export function isFresh(url: string | null | undefined, marginSeconds = 60, now = Date.now()): boolean {
  if (!url) return false
  const exp = mediaExpiry(url)
  return exp === null || exp * 1000 - now > marginSeconds * 1000
}

export function downloadUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}download=1`
}

export interface SpriteInfo {
  columns: number
  rows: number
  tile_width: number
  tile_height: number
  count: number
}

export function asSprite(value: unknown): SpriteInfo | null {
  if (!value || typeof value !== 'object') return null
  const s = value as Partial<SpriteInfo>
  const ok = [s.columns, s.rows, s.count].every((n) => typeof n === 'number' && n > 0)
  return ok ? (s as SpriteInfo) : null
}

/** CSS background-position/size showing tile `index` of a sprite sheet scaled to the box. */
export function spriteStyle(sprite: SpriteInfo, index: number): { backgroundSize: string; backgroundPosition: string } {
  const tile = Math.min(Math.max(0, Math.floor(index)), sprite.count - 1)
  const col = tile % sprite.columns
  const row = Math.floor(tile / sprite.columns)
  const x = sprite.columns > 1 ? (col / (sprite.columns - 1)) * 100 : 0
  const y = sprite.rows > 1 ? (row / (sprite.rows - 1)) * 100 : 0
  return { backgroundSize: `${sprite.columns * 100}% ${sprite.rows * 100}%`, backgroundPosition: `${x}% ${y}%` }
}

/** Which tile a pointer at `fraction` (0..1) across the thumbnail shows. */
export function tileAt(sprite: SpriteInfo, fraction: number): number {
  const clamped = Math.min(Math.max(fraction, 0), 0.9999)
  return Math.floor(clamped * sprite.count)
}
