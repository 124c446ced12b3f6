import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The peer and the dependencies: the app's bundler resolves them, once for the whole app.
const external = ['vue', '@vueuse/core', 'eventsource-parser', 'event-source-polyfill', '@vue/devtools-api']

export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: 'index',
    },
    rolldownOptions: {
      external: id => external.some(name => id === name || id.startsWith(`${name}/`)),
      output: {
        // The lazy transports keep their names, so a reader of dist sees what loads when; the chunks of code they
        // share are named for that, not for whichever module rolldown picks.
        chunkFileNames: chunk => chunk.isDynamicEntry ? '[name].js' : 'shared-[hash].js',
      },
    },
    // The app's bundler minifies; unminified, dist stays readable and keeps every `#__PURE__` annotation for it.
    minify: false,
    sourcemap: true,
  },
})
