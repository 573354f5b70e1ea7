import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Only for admins; plain users are sent to the library. */
    admin?: boolean
    title?: string
  }
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { public: true, title: 'Sign in' } },
    {
      path: '/',
      name: 'library',
      component: () => import('@/pages/LibraryPage.vue'),
      meta: { title: 'Library' },
      children: [
        // The player opens as a dialog over the library, with its own URL for deep links.
        { path: 'videos/:id', name: 'video', component: () => import('@/pages/VideoPage.vue'), meta: { title: 'Player' } },
      ],
    },
    { path: '/create', name: 'create', component: () => import('@/pages/CreatePage.vue'), meta: { title: 'Create' } },
    { path: '/settings', name: 'settings', component: () => import('@/pages/SettingsPage.vue'), meta: { title: 'Settings' } },
    {
      path: '/admin/users',
      name: 'admin-users',
      component: () => import('@/pages/AdminUsersPage.vue'),
      meta: { admin: true, title: 'Users' },
    },
    {
      path: '/admin/audit',
      name: 'admin-audit',
      component: () => import('@/pages/AdminAuditPage.vue'),
      meta: { admin: true, title: 'Audit log' },
    },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { title: 'Not found' } },
  ],
})

/** Only same-site paths are followed after sign-in (never `//evil.example`). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

export function guard(to: RouteLocationNormalized) {
  const auth = useAuthStore()
  if (!to.meta.public && !auth.isAuthenticated) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (to.name === 'login' && auth.isAuthenticated) return safeRedirect(to.query.redirect)
  if (to.meta.admin && !auth.isAdmin) return { name: 'library' }
  return true
}

router.beforeEach(guard)
router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Sora2 Studio` : 'Sora2 Studio'
})

export default router
