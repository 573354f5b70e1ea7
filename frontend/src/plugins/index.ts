import type { App } from 'vue'
import { createPinia } from 'pinia'
import router from '@/router'
import { installSession } from './session'
import vuetify from './vuetify'

export function registerPlugins(app: App): void {
  const pinia = createPinia()
  app.use(pinia).use(vuetify).use(router)
  installSession(router, pinia)
}
