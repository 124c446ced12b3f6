import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const external = ['vue', '@vueuse/core', 'eventsource-parser', 'event-source-polyfill']

export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: 'index',
    },
    rollupOptions: {
      external: id => external.some(name => id === name || id.startsWith(`${name}/`)),
      output: {
        // The lazy transports keep their names so a reader of dist sees what loads when; code they share with the
        // entry goes in one chunk.
        chunkFileNames: chunk => chunk.isDynamicEntry ? '[name].js' : 'shared.js',
      },
    },
    minify: false,
    sourcemap: true,
  },
})
