// API types come from the server's OpenAPI document (`make openapi` refreshes openapi.json), never by hand.
import { defineConfig } from '@hey-api/openapi-ts'

export default defineConfig({
  input: './openapi.json',
  output: { path: './src/api/generated' },
  // Types only: the app calls the API through the small fetch wrapper in src/api/http.ts.
  plugins: ['@hey-api/typescript'],
})
