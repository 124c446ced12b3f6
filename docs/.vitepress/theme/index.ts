import type { Theme } from 'vitepress'
import DefaultTheme from 'vitepress/theme'
import { createSse } from 'vue-event-source'

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    // The live demos' streams: `'/ticker'` is the demo server's /api/ticker.
    app.use(createSse({ baseURL: '/api' }))
  },
} satisfies Theme
