import { defineStore } from 'pinia'
import type { Socket } from 'socket.io-client'
import { ref } from 'vue'
import { api } from '@/api'
import { useNotifyStore } from './notify'
import { type VideoEvent, useVideosStore } from './videos'

export type SocketState = 'idle' | 'connecting' | 'connected' | 'offline'
export type SocketFactory = (token: string) => Socket

const AUTH_ERROR = 'Authentication error'
/** While live updates are down, running videos are polled this often, so progress still moves. */
export const FALLBACK_POLL_MS = 4000
const FALLBACK_MAX_VIDEOS = 8

/** socket.io-client is loaded on demand, so it is not part of the sign-in page's download.
 *  WebSocket first: one connection, so a round-robin balancer needs no sticky sessions. Long-polling only where
 *  WebSockets cannot pass (a proxy without Upgrade); it needs sticky sessions behind several instances. */
async function defaultFactory(token: string): Promise<Socket> {
  const { io } = await import('socket.io-client')
  return io({ path: '/socket.io/', auth: { token }, transports: ['websocket', 'polling'], tryAllTransports: true })
}

export const useSocketStore = defineStore('socket', () => {
  const state = ref<SocketState>('idle')
  let socket: Socket | null = null
  let connectedOnce = false
  let attempt = 0
  const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>()
  let fallbackTimer: ReturnType<typeof setInterval> | undefined

  function pollWhileOffline(): void {
    if (state.value === 'connected') return
    const videos = useVideosStore()
    const running = videos.items.filter((v) => v.status === 'queued' || v.status === 'in_progress')
    for (const video of running.slice(0, FALLBACK_MAX_VIDEOS)) {
      const before = video.status
      videos
        .refresh(video.id)
        .then((after) => {
          if (before !== after.status && (after.status === 'completed' || after.status === 'failed')) {
            useNotifyStore().videoFinished(after)
            void videos.loadStats()
          }
        })
        .catch(() => {})
    }
  }

  /** Routes one `video_update` into the library and tells the user when a video finished. */
  function handleVideoUpdate(event: VideoEvent): void {
    if (!event || typeof event.video_id !== 'string') return
    const videos = useVideosStore()
    const outcome = videos.applyEvent(event)
    if (!outcome.known) {
      // The event beat our own POST response, or the video was made elsewhere: ask for the whole record.
      requestStatus(event.video_id)
      return
    }
    if (outcome.finished) {
      useNotifyStore().videoFinished(outcome.finished)
      void videos.loadStats()
    }
    if (outcome.needsRefresh) scheduleRefresh(event.video_id)
  }

  function scheduleRefresh(id: string): void {
    clearTimeout(refreshTimers.get(id))
    refreshTimers.set(
      id,
      setTimeout(() => {
        refreshTimers.delete(id)
        useVideosStore()
          .refresh(id)
          .catch(() => {})
      }, 150),
    )
  }

  function requestStatus(videoId: string): void {
    socket?.emit('request_video_status', { video_id: videoId })
  }

  async function connect(token: string, factory: (token: string) => Socket | Promise<Socket> = defaultFactory) {
    disconnect()
    const mine = attempt
    state.value = 'connecting'
    const created = await factory(token)
    if (mine !== attempt) {
      created.disconnect() // signed out, or connected again, while the client was loading
      return
    }
    socket = created
    fallbackTimer = setInterval(pollWhileOffline, FALLBACK_POLL_MS)
    socket.on('connect', onConnect)
    socket.on('disconnect', () => {
      state.value = 'offline'
    })
    socket.on('connect_error', onConnectError)
    socket.on('video_update', handleVideoUpdate)
    // Admins only (the server sends it to them): a user passed 80 % of their budget.
    socket.on('budget_notice', (n: { username: string }) =>
      useNotifyStore().show(`${n.username} passed 80 % of their budget`, 'warning', { to: '/admin/dashboard' }),
    )
  }

  function onConnect(): void {
    state.value = 'connected'
    if (connectedOnce) {
      // Back after a drop: events were missed, so ask again about every video still running.
      for (const video of useVideosStore().items) {
        if (video.status === 'queued' || video.status === 'in_progress') requestStatus(video.id)
      }
    }
    connectedOnce = true
  }

  function onConnectError(error: Error): void {
    state.value = 'offline'
    if (error?.message === AUTH_ERROR) {
      // The server refused the token. A call to /me turns that into the usual "session expired" path.
      api.me().catch(() => {})
    }
  }

  function disconnect(): void {
    attempt += 1
    clearInterval(fallbackTimer)
    for (const timer of refreshTimers.values()) clearTimeout(timer)
    refreshTimers.clear()
    socket?.removeAllListeners()
    socket?.disconnect()
    socket = null
    connectedOnce = false
    state.value = 'idle'
  }

  return { state, connect, disconnect, requestStatus, handleVideoUpdate }
})
