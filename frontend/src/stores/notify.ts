import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { VideoOut } from '@/api'

export interface Toast {
  id: number
  text: string
  color: 'success' | 'error' | 'info' | 'warning'
  /** A route to open from the snackbar's action button. */
  to?: string
  actionLabel?: string
}

const BROWSER_KEY = 'sora2.browserNotifications'

function shortPrompt(prompt: string): string {
  return prompt.length > 60 ? `${prompt.slice(0, 57)}…` : prompt
}

export const useNotifyStore = defineStore('notify', () => {
  const queue = ref<Toast[]>([])
  const browserEnabled = ref(localStorage.getItem(BROWSER_KEY) === 'on')
  /** True once anything was shown: the snackbar stays mounted after that, so it can animate out. */
  const used = ref(false)
  let nextId = 1

  function show(text: string, color: Toast['color'] = 'info', extra: Partial<Toast> = {}): void {
    used.value = true
    queue.value.push({ id: nextId++, text, color, ...extra })
  }

  function dismiss(id: number): void {
    queue.value = queue.value.filter((toast) => toast.id !== id)
  }

  const success = (text: string) => show(text, 'success')
  const error = (text: string) => show(text, 'error')

  function browserSupported(): boolean {
    return typeof window !== 'undefined' && 'Notification' in window
  }

  async function setBrowserEnabled(on: boolean): Promise<boolean> {
    if (on && browserSupported() && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted'
    }
    browserEnabled.value = on && browserSupported()
    localStorage.setItem(BROWSER_KEY, browserEnabled.value ? 'on' : 'off')
    return browserEnabled.value
  }

  function browserNotify(title: string, body: string): void {
    if (!browserEnabled.value || !browserSupported() || Notification.permission !== 'granted') return
    if (document.visibilityState === 'visible') return // the snackbar already says it
    try {
      new Notification(title, { body, tag: 'sora2-video', icon: '/favicon.svg' })
    } catch {
      /* some browsers allow notifications only from a service worker */
    }
  }

  /** A video reached a final state: tell the user in the page, and outside it if they allowed that. */
  function videoFinished(video: Pick<VideoOut, 'id' | 'prompt' | 'status' | 'state' | 'error_message'>): void {
    const prompt = shortPrompt(video.prompt)
    const to = `/videos/${video.id}`
    if (video.status === 'completed') {
      show(`Video ready: “${prompt}”`, 'success', { to, actionLabel: 'Play' })
      browserNotify('Video ready', prompt)
      return
    }
    // Cancelled by its owner: no alarm. Unconfirmed: it may have cost money, and only the owner can decide.
    const outcomes: Record<string, [string, Toast['color']]> = {
      cancelled: ['Video cancelled', 'info'],
      unconfirmed: ['May have been charged', 'warning'],
    }
    const [title, tone] = outcomes[video.state ?? ''] ?? ['Video failed', 'error']
    show(`${title}: “${prompt}”`, tone, { to, actionLabel: 'Details' })
    browserNotify(title, video.error_message ?? prompt)
  }

  return { queue, used, browserEnabled, show, dismiss, success, error, browserSupported, setBrowserEnabled, videoFinished }
})
