import type { Browser, Page } from 'puppeteer-core'
import type { BrowserProvider, BrowserProviderOption, TestProject } from 'vitest/node'
import { defineBrowserProvider } from '@vitest/browser'

/**
 * A Vitest browser provider for Firefox over WebDriver BiDi (puppeteer-core), for machines with a Firefox but no
 * geckodriver and no Playwright build of Firefox: Debian's firefox-esr. It opens Vitest's page and nothing more; the
 * browser suite uses no browser commands (`userEvent`, `page`, `cdp`).
 */

export interface FirefoxProviderOptions {
  executablePath: string
}

class FirefoxProvider implements BrowserProvider {
  name = 'firefox-bidi'
  // One page runs the test files one after another: timing-sensitive tests on a small machine stay apart.
  supportsParallelism = false
  private browser: Promise<Browser> | undefined
  private page: Page | undefined
  private closing = false

  constructor(private project: TestProject, private options: FirefoxProviderOptions) {}

  getCommandsContext(): Record<string, unknown> {
    return {}
  }

  private launch(): Promise<Browser> {
    // Loaded here, not with the config: `npm test` never starts Firefox.
    this.browser ??= import('puppeteer-core').then(({ default: puppeteer }) => puppeteer.launch({
      browser: 'firefox',
      executablePath: this.options.executablePath,
      headless: this.project.config.browser.headless,
    }))
    return this.browser
  }

  async openPage(_sessionId: string, url: string): Promise<void> {
    if (this.closing)
      throw new Error('[vitest] The provider was closed.')
    const browser = await this.launch()
    // The tab Firefox opens with: a second tab would leave this one in the background, where timers slow down.
    this.page ??= (await browser.pages())[0] ?? await browser.newPage()
    await this.page.goto(url, { timeout: 0 })
  }

  async close(): Promise<void> {
    this.closing = true
    const browser = await this.browser?.catch(() => undefined)
    this.browser = undefined
    this.page = undefined
    await browser?.close()
  }
}

export function firefox(options: FirefoxProviderOptions): BrowserProviderOption {
  return defineBrowserProvider({
    name: 'firefox-bidi',
    supportedBrowser: ['firefox'],
    options,
    providerFactory: project => new FirefoxProvider(project, options),
  })
}
