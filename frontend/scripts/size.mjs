#!/usr/bin/env node
// Prints the gzip size of what the browser downloads for the first route (JS + CSS), from Vite's manifest.
// Usage: npm run build && npm run size   (exits 1 when the first route is over the budget)
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 200
const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, '..', '..', 'src', 'sora2', 'web', 'dist')
const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error(`No build found at ${dist}. Run "npm run build" first.`)
  process.exit(2)
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))

/** Files loaded with a chunk: itself, its CSS, and its static imports (not dynamic ones), recursively. */
function closure(keys, files = new Set(), seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`${key} is not in the manifest`)
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
    closure(chunk.imports ?? [], files, seen)
  }
  return files
}

const gz = new Map()
function gzipSize(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length)
  return gz.get(file)
}

function measure(name, keys) {
  const files = [...closure(keys)]
  const js = files.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gzipSize(f), 0)
  const css = files.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gzipSize(f), 0)
  return { name, files: files.length, js, css, total: js + css }
}

const kb = (n) => `${(n / 1024).toFixed(1).padStart(6)} KB`
const entry = 'index.html'
const routes = [
  measure('entry (main.ts: Vue, Vuetify core, router, stores)', [entry]),
  measure('/login (first visit)', [entry, 'src/pages/LoginPage.vue']),
  measure('/ library (first route after sign-in, with the app shell)', [
    entry,
    'src/components/layout/AppShell.vue',
    'src/pages/LibraryPage.vue',
  ]),
]
console.log('gzip sizes (level 9) of JS + CSS loaded before the first paint of each route:\n')
for (const r of routes) {
  console.log(`${r.name}\n  JS ${kb(r.js)}   CSS ${kb(r.css)}   total ${kb(r.total)}   (${r.files} files)`)
}
const lazy = ['src/pages/VideoPage.vue', 'src/pages/CreatePage.vue', 'src/pages/AdminUsersPage.vue']
console.log('\nloaded later, on demand:')
for (const key of lazy) {
  const own = measure(key, [key])
  console.log(`  ${key.padEnd(32)} ${kb(own.total)} (with shared chunks)`)
}
const socket = Object.entries(manifest).find(([k]) => k.includes('socket.io-client'))
if (socket) console.log(`  socket.io-client${' '.repeat(16)} ${kb(measure('socket', [socket[0]]).total)}`)

const worst = Math.max(...routes.map((r) => r.total))
const ok = worst <= BUDGET_KB * 1024
console.log(`\nfirst-route budget ${BUDGET_KB} KB: ${ok ? 'OK' : 'OVER'} (largest first route ${kb(worst).trim()})`)
process.exit(ok ? 0 : 1)
