import { createApp } from 'vue'
import { ssePlugin } from 'vue-event-source'
import App from './App.vue'
import { accessToken, refresh } from './auth'

createApp(App)
  .use(ssePlugin, {
    baseURL: '/api',
    token: accessToken, // a string, a ref, a getter or an async getter
    onUnauthorized: refresh, // on 401/403, then one reconnect with the new token
  })
  .mount('#app')
