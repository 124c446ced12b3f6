export default defineNuxtConfig({
  modules: ['vue-event-source/nuxt'],
  sse: {
    baseURL: '/api',
    heartbeatTimeout: 45_000,
    autoReconnect: { retries: 20, delay: 1000, maxDelay: 30_000 },
  },
})
