import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, api } from '@/api'
import { installSession } from '@/plugins/session'
import { guard } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { fakeFetch, jsonResponse } from '@/test/fixtures'

const user = { id: 'user_1', username: 'alice', role: 'user' as const, disabled: false, created_at: 1 }

function makeRouter() {
  const page = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: page, meta: { public: true } },
      { path: '/', name: 'library', component: page },
      { path: '/create', name: 'create', component: page },
      { path: '/admin/users', name: 'admin-users', component: page, meta: { admin: true } },
    ],
  })
  router.beforeEach(guard)
  return router
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => vi.unstubAllGlobals())

describe('auth store', () => {
  it('signs in and remembers the session across reloads', async () => {
    const http = fakeFetch({ 'POST /api/auth/login': () => ({ token: 'tok-1', user }) })
    vi.stubGlobal('fetch', http.fn)
    const auth = useAuthStore()
    await auth.login(' alice ', 'secret')
    expect(auth.isAuthenticated).toBe(true)
    expect(JSON.parse(http.calls[0].init.body as string)).toEqual({ username: 'alice', password: 'secret' })
    setActivePinia(createPinia())
    expect(useAuthStore().user?.username).toBe('alice')
  })

  it('reports wrong credentials without signing in', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/auth/login': () => jsonResponse(401, { error: 'Invalid credentials' }) }).fn)
    const auth = useAuthStore()
    await expect(auth.login('alice', 'nope')).rejects.toMatchObject({ status: 401, message: 'Invalid credentials' })
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.sessionExpired).toBe(false)
  })

  it('on any 401 ends the session and returns to sign-in, remembering the page', async () => {
    localStorage.setItem('sora2.token', 'old')
    localStorage.setItem('sora2.user', JSON.stringify(user))
    setActivePinia(createPinia())
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/auth/me': () => ({ user }),
        'GET /api/videos': () => jsonResponse(401, { error: 'Invalid token' }),
      }).fn,
    )
    const router = makeRouter()
    installSession(router, pinia)
    await router.push('/create?x=1')
    expect(router.currentRoute.value.name).toBe('create')

    await expect(api.listVideos({})).rejects.toBeInstanceOf(ApiError)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query.redirect).toBe('/create?x=1')
    const auth = useAuthStore()
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.sessionExpired).toBe(true)
    expect(auth.passwordChanged).toBe(false)
    expect(localStorage.getItem('sora2.token')).toBeNull()
  })

  it('says so when the session ended because the password was changed elsewhere', async () => {
    localStorage.setItem('sora2.token', 'old')
    localStorage.setItem('sora2.user', JSON.stringify(user))
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/auth/me': () => ({ user }),
        'GET /api/videos': () =>
          jsonResponse(401, { error: 'Signed out: the password was changed. Sign in again.', code: 'session_ended' }),
      }).fn,
    )
    const router = makeRouter()
    installSession(router, pinia)
    await router.push('/')
    await expect(api.listVideos({})).rejects.toMatchObject({ status: 401, code: 'session_ended' })
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    const auth = useAuthStore()
    expect(auth.sessionExpired).toBe(true)
    expect(auth.passwordChanged).toBe(true)
  })

  it('a wrong current password does not end the session', async () => {
    localStorage.setItem('sora2.token', 'tok')
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/auth/me': () => ({ user }),
        'POST /api/admin/change-password': () => jsonResponse(401, { error: 'Current password is incorrect' }),
      }).fn,
    )
    installSession(makeRouter(), pinia)
    const auth = useAuthStore()
    await expect(auth.changePassword('bad', 'newpass1')).rejects.toMatchObject({ status: 401 })
    expect(auth.isAuthenticated).toBe(true)
  })

  it('guards pages: sign-in first, admin pages only for admins', async () => {
    const router = makeRouter()
    await router.push('/create')
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/create')

    const auth = useAuthStore()
    auth.token = 'tok'
    auth.user = user
    await router.push('/admin/users')
    expect(router.currentRoute.value.name).toBe('library')
    auth.user = { ...user, role: 'admin' }
    await router.push('/admin/users')
    expect(router.currentRoute.value.name).toBe('admin-users')
  })

  it('signing out forgets the token', () => {
    const auth = useAuthStore()
    localStorage.setItem('sora2.token', 'tok')
    auth.token = 'tok'
    auth.logout()
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.sessionExpired).toBe(false)
    expect(localStorage.getItem('sora2.token')).toBeNull()
  })
})
