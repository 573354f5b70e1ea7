/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import vuetify from 'vite-plugin-vuetify'

// `npm run dev` talks to a backend started with `sora2 serve` (port 3000 unless SORA2_DEV_BACKEND says otherwise).
const backend = process.env.SORA2_DEV_BACKEND ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [
    vue(),
    // Components and directives imported à la carte, each with its own CSS: only what the pages use is shipped.
    vuetify({ autoImport: true, styles: { configFile: 'src/styles/settings.scss' } }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/socket.io': { target: backend, changeOrigin: true, ws: true },
    },
  },
  build: {
    // The Python package serves the built SPA (git-ignored); see src/sora2/web.py.
    outDir: '../src/sora2/web/dist',
    emptyOutDir: true,
    // scripts/size.mjs reads the manifest to find what the first route loads.
    manifest: true,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/test/setup.ts'],
    server: { deps: { inline: ['vuetify'] } },
    css: false,
  },
})
