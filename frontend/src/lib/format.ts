// Words and numbers as people read them.

export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed'

// A video's `state` (the server's precise word; `status` keeps the original's four for old clients).
const STATUS: Record<string, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'info' },
  confirming: { label: 'Confirming', color: 'info' },
  in_progress: { label: 'Generating', color: 'primary' },
  completed: { label: 'Ready', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  cancelled: { label: 'Cancelled', color: 'grey' },
  unconfirmed: { label: 'May have been charged', color: 'warning' },
}

/** What to show and offer: `state` where the server sends it (every server since issue #10), else `status`. */
export function stateOf(video: { state?: string | null; status: string }): string {
  return video.state || video.status
}

export const CANCELLABLE = new Set(['queued', 'confirming', 'in_progress'])
export const RETRYABLE = new Set(['failed', 'cancelled', 'unconfirmed'])

export function statusLabel(status: string): string {
  return STATUS[status]?.label ?? 'Unknown'
}

export function statusColor(status: string): string {
  return STATUS[status]?.color ?? 'grey'
}

export function isActive(state: string): boolean {
  return CANCELLABLE.has(state)
}

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `$${value.toFixed(2)}`
}

export function seconds(value: string | number): string {
  return `${value} s`
}

export function sizeLabel(size: string): string {
  const [w, h] = size.split('x').map(Number)
  if (!w || !h) return size
  const orientation = w === h ? 'square' : w > h ? 'landscape' : 'portrait'
  return `${size.replace('x', '×')} · ${orientation}`
}

/** "just now", "5 min ago", "3 h ago", then a date. `epoch` is in seconds. */
export function timeAgo(epoch: number, now: number = Date.now()): string {
  const diff = Math.max(0, Math.round(now / 1000 - epoch))
  if (diff < 45) return 'just now'
  if (diff < 3600) return `${Math.round(diff / 60)} min ago`
  if (diff < 86400) return `${Math.round(diff / 3600)} h ago`
  return new Date(epoch * 1000).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
}

export function dateTime(epoch: number | null | undefined): string {
  if (!epoch) return '—'
  return new Date(epoch * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** Failure reasons in words: providers sometimes send JSON or codes; people need a sentence. */
export function failureText(message: string | null | undefined, downloadState?: string | null): string {
  if (downloadState === 'expired') return 'The provider no longer has this video, so it cannot be downloaded.'
  if (downloadState === 'failed' && !message) return 'The video was made but could not be downloaded. Try again.'
  if (!message) return 'The provider did not say why this video failed.'
  const trimmed = message.trim()
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: string; error?: { message?: string } }
      const inner = parsed.message ?? parsed.error?.message
      if (inner) return inner
    } catch {
      /* not JSON after all */
    }
  }
  if (/moderation|policy|safety/i.test(trimmed) && trimmed.length < 40) {
    return 'The provider declined this prompt under its content policy.'
  }
  return trimmed
}

interface Priced {
  cost: number
  charged?: number
  emulated: boolean
  billing?: string
}

/** The estimate and what was charged, told apart, in the same words everywhere (card, player, totals). */
export function costLine(video: Priced): string {
  if (video.emulated) return `${money(0)} · simulated`
  if (video.billing === 'possible') return `Est. ${money(video.cost)} · may have been charged`
  return `Est. ${money(video.cost)} · charged ${money(video.charged ?? 0)}`
}
