import type { SseOptions } from 'vue-event-source'
import { defineNuxtPlugin, useRuntimeConfig } from 'nuxt/app'
import { createSse } from 'vue-event-source'

export default defineNuxtPlugin({
  name: 'vue-event-source',
  // After the app's own plugins, so that the `sse:options` hooks they register are called.
  enforce: 'post',
  async setup(nuxtApp) {
    // A copy of the runtime config (plain data) per app, so what one request's hooks set never reaches another's.
    const options = JSON.parse(JSON.stringify(useRuntimeConfig().public.sse ?? {})) as SseOptions
    await nuxtApp.callHook('sse:options', options)
    const sse = createSse(options)
    nuxtApp.vueApp.use(sse)
    return { provide: { sse } }
  },
})
