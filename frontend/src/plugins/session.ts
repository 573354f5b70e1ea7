// Ties the login session to everything that depends on it: the HTTP token, expiry handling and the socket.
import type { Pinia } from 'pinia'
import { watch } from 'vue'
import type { Router } from 'vue-router'
import { configureHttp } from '@/api'
import { useAuthStore } from '@/stores/auth'
import { useSocketStore } from '@/stores/socket'
import { useVideosStore } from '@/stores/videos'

export function installSession(router: Router, pinia: Pinia): void {
  const auth = useAuthStore(pinia)
  const socket = useSocketStore(pinia)
  const videos = useVideosStore(pinia)

  configureHttp({
    getToken: () => auth.token,
    onUnauthorized: async (code) => {
      if (!auth.isAuthenticated) return
      auth.logout(code === 'session_ended' ? 'ended' : 'expired')
      // At start-up the first navigation may still be pending; its guard then does the redirect itself.
      await router.isReady()
      const current = router.currentRoute.value
      if (!current.meta.public) void router.replace({ name: 'login', query: { redirect: current.fullPath } })
    },
  })

  watch(
    () => auth.token,
    (token) => {
      if (token) void socket.connect(token)
      else {
        socket.disconnect()
        videos.reset()
      }
    },
    { immediate: true },
  )

  // A token from an earlier visit may have expired: one cheap call finds out, and refreshes the role.
  if (auth.isAuthenticated) auth.refreshUser().catch(() => {})
}
