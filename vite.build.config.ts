import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The peer and the dependencies: the app's bundler resolves them, once for the whole app. The Nuxt module's files
// import the library itself by name, so that its plugin and the auto-imports share the app's one copy, and leave
// Nuxt and its kit to the Nuxt app.
const external = ['vue', 'event-source-polyfill', '@vue/devtools-api', 'vue-event-source', 'nuxt', '@nuxt/kit']

const entry = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    lib: {
      entry: {
        'index': entry('./src/index.ts'),
        // `vue-event-source/nuxt`, and its runtime plugin as a file of its own, as Nuxt modules ship their runtime:
        // the app's Nuxt bundles it with the app.
        'nuxt/module': entry('./src/nuxt/module.ts'),
        'nuxt/runtime/plugin': entry('./src/nuxt/runtime/plugin.ts'),
        // `vue-event-source/testing` shares the main entry's modules (the injection key above all) through common
        // chunks, so that the plugin it installs is the one the app's composables inject.
        'testing': entry('./src/testing/index.ts'),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
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
