import type { ViteUserConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { demoServer } from './playground/server/plugin.ts'
import { launchOptions } from './test/browser.ts'
import { sseTestServer } from './test/server/vite-plugin.ts'

const src = fileURLToPath(new URL('./src/index.ts', import.meta.url))
const testing = fileURLToPath(new URL('./src/testing/index.ts', import.meta.url))

export default defineConfig(async ({ mode }): Promise<ViteUserConfig> => ({
  root: mode === 'test' ? undefined : 'playground',
  plugins: [vue(), sseTestServer(), demoServer()],
  resolve: {
    // The longer name first: an alias also matches what starts with its name and a slash.
    alias: { 'vue-event-source/testing': testing, 'vue-event-source': src },
  },
  server: {
    host: '127.0.0.1',
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.node.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 30_000,
          // SSE servers written with the frameworks users run (test/frameworks.browser.test.ts).
          globalSetup: ['./test/frameworks/setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              // Found (or a clear error) before any test runs; the e2e, cross-tab and pack tests reuse it.
              launchOptions: mode === 'test' ? await launchOptions() : {},
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/types/**/*.test-d.ts'],
            tsconfig: './test/types/tsconfig.json',
          },
        },
      },
    ],
  },
}))
