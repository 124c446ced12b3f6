import { createApp } from 'vue'
import { ssePlugin } from 'vue-event-source'
import App from './App.vue'

// Components name their streams below /api: '/ticker' is /api/ticker.
createApp(App).use(ssePlugin, { baseURL: '/api' }).mount('#app')
