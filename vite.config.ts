import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { demoServer } from './playground/server/plugin.ts'
import { sseTestServer } from './test/server/vite-plugin.ts'

const src = fileURLToPath(new URL('./src/index.ts', import.meta.url))

/** Chromium for the browser tests: CHROME_PATH, else Debian's or Ubuntu's package. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  return candidates.find((path): path is string => !!path && existsSync(path))
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

function chromiumOrFail(): string {
  const path = findChromium()
  if (!path) {
    throw new Error(
      '[vue-event-source] The browser tests need Chromium and none was found. '
      + 'Install it (`apt-get install -y chromium`) or point CHROME_PATH at a Chromium or Chrome binary.',
    )
  }
  return path
}

export default defineConfig(({ mode }) => ({
  root: mode === 'test' ? undefined : 'playground',
  plugins: [vue(), sseTestServer(), demoServer()],
  resolve: {
    alias: { 'vue-event-source': src },
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
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: mode === 'test'
                ? { executablePath: chromiumOrFail(), args: chromiumArgs }
                : {},
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
