import type { ViteUserConfig } from 'vitest/config'
import type { BrowserInstanceOption } from 'vitest/node'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { demoServer } from './playground/server/plugin.ts'
import { launchOptions } from './test/browser.ts'
import { findBrowsers } from './test/browsers.ts'
import { firefox } from './test/providers/firefox.ts'
import { webkit } from './test/providers/webkit.ts'
import { sseTestServer } from './test/server/vite-plugin.ts'

const src = fileURLToPath(new URL('./src/index.ts', import.meta.url))
const testing = fileURLToPath(new URL('./src/testing/index.ts', import.meta.url))

/**
 * The browsers the browser project runs in: Chromium alone by default (`npm test`, which needs nothing but npm);
 * `TEST_BROWSERS=chromium,firefox,webkit` for `npm run test:browsers`, which needs Firefox and WebKit from Debian
 * packages (test/browsers.ts).
 */
const BROWSERS = ['chromium', 'firefox', 'webkit'] as const

function wantedBrowsers(): Set<typeof BROWSERS[number]> {
  const listed = (process.env.TEST_BROWSERS ?? 'chromium').split(',').map(name => name.trim()).filter(Boolean)
  const unknown = listed.filter(name => !BROWSERS.includes(name as typeof BROWSERS[number]))
  if (unknown.length || !listed.length)
    throw new Error(`[vue-event-source] TEST_BROWSERS=${process.env.TEST_BROWSERS}: expected a comma-separated list of ${BROWSERS.join(', ')}.`)
  return new Set(listed as typeof BROWSERS[number][])
}

async function browserInstances(mode: string): Promise<BrowserInstanceOption[]> {
  const wanted = wantedBrowsers()
  // Only a test run looks for browsers: the playground's dev server and the build do not need one.
  const testing = mode === 'test'
  // Found (or a clear error) before any test runs; the e2e, cross-tab and pack tests reuse the Chromium.
  const chromium = wanted.has('chromium') && testing ? await launchOptions() : {}
  const { firefox: foundFirefox, webkit: foundWebKit } = testing
    ? await findBrowsers({ firefox: wanted.has('firefox'), webkit: wanted.has('webkit') })
    : {}
  return [
    ...(wanted.has('chromium') ? [{ browser: 'chromium' as const, provider: playwright({ launchOptions: chromium }) }] : []),
    ...(foundFirefox ? [{ browser: 'firefox' as const, provider: firefox(foundFirefox) }] : []),
    ...(foundWebKit ? [{ browser: 'webkit' as const, provider: webkit(foundWebKit) }] : []),
  ]
}

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
            // Each browser brings its own provider: Playwright for Chromium, Debian's Firefox and WebKit otherwise.
            instances: await browserInstances(mode),
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
