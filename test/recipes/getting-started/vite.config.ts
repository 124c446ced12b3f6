import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [vue()],
  server: {
    // Vite's dev server passes every request under /api on to the SSE server, streams included.
    proxy: { '/api': 'http://localhost:3001' },
  },
})
