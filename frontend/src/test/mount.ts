import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { Component } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createVuetify } from 'vuetify'

/** Mounts a component with Pinia, Vuetify (components come from the Vite plugin's auto-import) and a router. */
export async function mountWithApp(component: Component, props: Record<string, unknown> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const page = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'library', component: page },
      { path: '/create', name: 'create', component: page },
    ],
  })
  await router.push('/create')
  const vuetify = createVuetify()
  const wrapper = mount(component, { props, attachTo: document.body, global: { plugins: [pinia, vuetify, router] } })
  return { wrapper, router, pinia }
}
