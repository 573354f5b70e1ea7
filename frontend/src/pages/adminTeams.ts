// The admin dashboard and the read-only view of a user's videos load as one chunk: two chunks would each cut
// the first route's shared Vuetify chunks differently (and over its size budget).
export { default as AdminDashboardPage } from './AdminDashboardPage.vue'
export { default as AdminUserVideosPage } from './AdminUserVideosPage.vue'
