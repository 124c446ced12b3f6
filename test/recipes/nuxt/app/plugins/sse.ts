export default defineNuxtPlugin((nuxtApp) => {
  const token = useCookie<string | null>('token')
  nuxtApp.hook('sse:options', (options) => {
    options.token = () => token.value // read on every connect and reconnect, in the browser only
    options.onUnauthorized = async () => {
      token.value = await $fetch<string>('/api/token', { method: 'POST' })
    }
  })
})
