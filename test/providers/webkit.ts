import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import type { BrowserProvider, BrowserProviderOption, TestProject } from 'vitest/node'
import type { Display, FoundWebKit } from '../browsers.ts'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { defineBrowserProvider } from '@vitest/browser'
import { startXvfb } from '../browsers.ts'

/**
 * A Vitest browser provider for WebKit: WebKitGTK's MiniBrowser driven by `WebKitWebDriver` over classic WebDriver
 * (plain HTTP, so no client library), in an Xvfb display when headless. Playwright's WebKit is a build of its own
 * that cannot be downloaded everywhere; Debian's webkit2gtk-driver installs like any package. It opens Vitest's page
 * and nothing more; the browser suite uses no browser commands (`userEvent`, `page`, `cdp`).
 */

export type WebKitProviderOptions = Pick<FoundWebKit, 'executablePath' | 'webDriver' | 'xvfb'>

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

interface Session {
  endpoint: string
  id: string
  driver: ChildProcess
  screen?: Display
}

async function request(url: string, method: string, body?: object): Promise<unknown> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) })
  const { value } = await response.json() as { value: unknown }
  if (!response.ok) {
    const { error, message } = value as { error?: string, message?: string }
    throw new Error(`[vue-event-source] WebKitWebDriver: ${method} ${url} failed: ${error}: ${message}`)
  }
  return value
}

class WebKitProvider implements BrowserProvider {
  name = 'webkitgtk'
  // One window runs the test files one after another: timing-sensitive tests on a small machine stay apart.
  supportsParallelism = false
  private session: Promise<Session> | undefined
  private closing = false

  constructor(private project: TestProject, private options: WebKitProviderOptions) {}

  getCommandsContext(): Record<string, unknown> {
    return {}
  }

  private async start(): Promise<Session> {
    const { executablePath, webDriver, xvfb } = this.options
    const screen = this.project.config.browser.headless || !process.env.DISPLAY ? await startXvfb(xvfb) : undefined
    const port = await freePort()
    const driver = spawn(webDriver, [`--port=${port}`], {
      env: { ...process.env, ...(screen ? { DISPLAY: screen.display } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const stopDriver = () => driver.kill()
    process.once('exit', stopDriver)
    driver.once('exit', () => process.off('exit', stopDriver))
    const endpoint = `http://127.0.0.1:${port}`
    try {
      for (let tries = 0; ; tries++) {
        const ready = await request(`${endpoint}/status`, 'GET').then(value => (value as { ready?: boolean }).ready, () => false)
        if (ready)
          break
        if (tries === 100 || driver.exitCode !== null)
          throw new Error(`[vue-event-source] ${webDriver} did not start on port ${port}.`)
        await sleep(100)
      }
      const { sessionId } = await request(`${endpoint}/session`, 'POST', {
        capabilities: {
          alwaysMatch: {
            'browserName': 'MiniBrowser',
            // `--automation` lets WebKitWebDriver take control of the MiniBrowser it starts.
            'webkitgtk:browserOptions': { binary: executablePath, args: ['--automation'] },
          },
        },
      }) as { sessionId: string }
      return { endpoint, id: sessionId, driver, screen }
    }
    catch (error) {
      driver.kill()
      screen?.stop()
      throw error
    }
  }

  async openPage(_sessionId: string, url: string): Promise<void> {
    if (this.closing)
      throw new Error('[vitest] The provider was closed.')
    this.session ??= this.start()
    const { endpoint, id } = await this.session
    await request(`${endpoint}/session/${id}/url`, 'POST', { url })
  }

  async close(): Promise<void> {
    this.closing = true
    const session = await this.session?.catch(() => undefined)
    this.session = undefined
    if (!session)
      return
    // Ending the session closes MiniBrowser; the driver and the display go after it.
    await request(`${session.endpoint}/session/${session.id}`, 'DELETE').catch(() => undefined)
    session.driver.kill()
    session.screen?.stop()
  }
}

export function webkit(options: WebKitProviderOptions): BrowserProviderOption {
  return defineBrowserProvider({
    name: 'webkitgtk',
    supportedBrowser: ['webkit'],
    options,
    providerFactory: project => new WebKitProvider(project, options),
  })
}
