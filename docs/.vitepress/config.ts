import type { DefaultTheme, UserConfig } from 'vitepress'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitepress'
import { demoServer } from '../../playground/server/plugin'

/** VitePress runs a Vite of its own (5), whose plugin types differ from the repository's Vite in hooks the demo server does not use. */
type VitePressPlugins = NonNullable<NonNullable<UserConfig<DefaultTheme.Config>['vite']>['plugins']>

const repository = 'https://github.com/vue-event-source/vue-event-source'
const library = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
const testing = fileURLToPath(new URL('../../src/testing/index.ts', import.meta.url))

export default defineConfig({
  title: 'vue-event-source',
  description: 'Server-Sent Events for Vue 3: reactive refs, reconnect with resume, tokens, POST streams and one connection per stream.',
  // GitHub Pages of the repository: https://vue-event-source.github.io/vue-event-source/
  base: '/vue-event-source/',
  head: [['meta', { name: 'theme-color', content: '#3c8772' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Reference', link: '/reference/' },
      { text: 'Demos', link: '/demos/' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'Changelog', link: `${repository}/blob/main/CHANGELOG.md` },
      // Not socialLinks: its icon loads from a third-party host on every page.
      { text: 'GitHub', link: repository },
    ],
    sidebar: [
      {
        text: 'Introduction',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'useEventSource', link: '/guide/use-event-source' },
          { text: 'Reconnect, transports and errors', link: '/guide/reconnect' },
        ],
      },
      {
        text: 'Guides',
        items: [
          { text: 'Tokens and refresh', link: '/guide/token' },
          { text: 'A shared store', link: '/guide/shared-store' },
          { text: 'LLM answers over POST', link: '/guide/llm' },
          { text: 'One connection for every tab', link: '/guide/cross-tab' },
          { text: 'Nuxt and SSR', link: '/guide/nuxt' },
          { text: 'Testing components', link: '/guide/testing' },
          { text: 'Vue Devtools', link: '/guide/devtools' },
          { text: 'Migrating from VueUse', link: '/guide/migrating-from-vueuse' },
          { text: 'Deploying behind a proxy', link: '/guide/deploying' },
          { text: 'Security', link: '/guide/security' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'vue-event-source', link: '/reference/' },
          { text: 'vue-event-source/testing', link: '/reference/testing' },
          { text: 'vue-event-source/nuxt', link: '/reference/nuxt' },
        ],
      },
      {
        text: 'More',
        items: [
          { text: 'Live demos', link: '/demos/' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
    ],
    search: { provider: 'local' },
    editLink: { pattern: `${repository}/edit/main/docs/:path` },
    outline: [2, 3],
  },
  vite: {
    // The playground's demo SSE server (/api/ticker, /api/chat, …) on `npm run docs:dev`, for the live demos.
    plugins: [demoServer()] as unknown as VitePressPlugins,
    resolve: {
      // The longer name first: an alias also matches what starts with its name and a slash.
      alias: { 'vue-event-source/testing': testing, 'vue-event-source': library },
    },
  },
})
