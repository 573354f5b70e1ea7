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
    { path: '/collections', name: 'collections', component: () => import('@/pages/CollectionsPage.vue'), meta: { title: 'Collections' } },
    // A share link's page: public, no app shell (the server writes its head for link previews).
    { path: '/s/:token', name: 'share', component: () => import('@/pages/SharePage.vue'), meta: { public: true, title: 'Shared video' } },
    { path: '/create', name: 'create', component: () => import('@/pages/CreatePage.vue'), meta: { title: 'Create' } },
    { path: '/settings', name: 'settings', component: () => import('@/pages/SettingsPage.vue'), meta: { title: 'Settings' } },
    {
      path: '/admin/users',
      name: 'admin-users',
      component: () => import('@/pages/AdminUsersPage.vue'),
      meta: { admin: true, title: 'Users' },
    },
    {
      path: '/admin/providers',
      name: 'admin-providers',
      component: () => import('@/pages/AdminProvidersPage.vue'),
      meta: { admin: true, title: 'Providers' },
    },
    {
      path: '/admin/dashboard',
      name: 'admin-dashboard',
      component: () => import('@/pages/adminTeams').then((m) => m.AdminDashboardPage),
      meta: { admin: true, title: 'Dashboard' },
    },
    {
      path: '/admin/users/:id/videos',
      name: 'admin-user-videos',
      component: () => import('@/pages/adminTeams').then((m) => m.AdminUserVideosPage),
      meta: { admin: true, title: 'Videos of a user' },
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
  if (to.name === 'share') return true
  if (to.meta.admin && !auth.isAdmin) return { name: 'library' }
  return true
}

router.beforeEach(guard)
router.afterEach((to) => {
  if (to.name === 'share') return // its title comes from the server (the link's own title)
  document.title = to.meta.title ? `${to.meta.title} · Sora2 Studio` : 'Sora2 Studio'
})

export default router
