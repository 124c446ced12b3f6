import { createApp } from 'vue'
import { ssePlugin } from 'vue-event-source'
import App from './App.vue'
import { auth } from './auth'
import './styles.css'

// Started before the app connects anything: the token getter below waits for it.
auth.signIn().catch((error: unknown) => console.error(error))

createApp(App)
  .use(ssePlugin, {
    baseURL: '/api',
    token: () => auth.currentToken(),
    onUnauthorized: () => auth.refresh(),
    // The demo server sends a keep-alive comment every 5 s; 12 s of silence means the connection is dead.
    heartbeatTimeout: 12_000,
  })
  .mount('#app')
