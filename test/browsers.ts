import type { ChildProcess } from 'node:child_process'
import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import process from 'node:process'
import { promisify } from 'node:util'

/**
 * Finds Firefox and WebKit for `npm run test:browsers`, as `browser.ts` finds Chromium for `npm test`. These two come
 * from Debian packages, not from npm: `npm test` never needs them, and a missing one is an error that names the
 * package that brings it.
 *
 * - Firefox: `FIREFOX_PATH`, else `firefox-esr` or `firefox` on PATH or in the usual install folders. Driven over
 *   WebDriver BiDi, which Firefox speaks itself: no geckodriver.
 * - WebKit: WebKitGTK's MiniBrowser (`MINIBROWSER_PATH`, else the webkit2gtk library folders) driven by
 *   `WebKitWebDriver`, in a virtual X display (`Xvfb`) as MiniBrowser has no headless mode.
 */

const run = promisify(execFile)

const APT = 'apt-get install -y firefox-esr webkit2gtk-driver xvfb'

export interface FoundFirefox {
  executablePath: string
  /** `FIREFOX_PATH` or `system`. */
  source: string
  /** What `--version` printed, e.g. `Mozilla Firefox 140.12.0esr`. */
  version: string
}

export interface FoundWebKit {
  /** The MiniBrowser that WebKitWebDriver starts. */
  executablePath: string
  /** `MINIBROWSER_PATH` or `system`. */
  source: string
  /** What `MiniBrowser --version` printed, e.g. `WebKitGTK 2.50.6`. */
  version: string
  webDriver: string
  xvfb: string
}

/** Workers and child processes reuse what the main process found instead of searching (and logging) again. */
const FOUND = 'VUE_EVENT_SOURCE_BROWSERS'

function onPath(names: string[]): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).flatMap(dir => names.map(name => join(dir, name)))
}

function existing(paths: string[]): string[] {
  return [...new Set(paths)].filter(path => existsSync(path))
}

function missing(what: string, looked: string, fix: string): Error {
  return new Error([
    `[vue-event-source] npm run test:browsers needs ${what}, and none could be found or started.`,
    `Looked for: ${looked}.`,
    `Fix: ${fix}`,
    `(Debian/Ubuntu, everything test:browsers needs: ${APT})`,
  ].join('\n'))
}

async function versionOf(path: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 20_000, env: { ...process.env, ...env } })
    return stdout.trim() || undefined
  }
  catch {
    return undefined
  }
}

async function findFirefox(): Promise<FoundFirefox> {
  const explicit = process.env.FIREFOX_PATH
  const candidates: [string, string][] = explicit
    ? [[explicit, 'FIREFOX_PATH']]
    : existing([
        ...onPath(['firefox-esr', 'firefox']),
        '/usr/bin/firefox-esr',
        '/usr/lib/firefox-esr/firefox-esr',
        '/usr/bin/firefox',
        '/usr/lib/firefox/firefox',
        '/Applications/Firefox.app/Contents/MacOS/firefox',
      ]).map(path => [path, 'system'])
  for (const [path, source] of candidates) {
    const version = await versionOf(path)
    if (version)
      return { executablePath: path, source, version }
  }
  throw missing(
    'Firefox',
    explicit ? `FIREFOX_PATH=${explicit} (\`--version\` failed)` : 'firefox-esr and firefox on PATH and in /usr/lib',
    'apt-get install -y firefox-esr, or set FIREFOX_PATH to a Firefox that speaks WebDriver BiDi (any recent release).',
  )
}

function miniBrowserCandidates(): string[] {
  const libraries = ['/usr/lib', '/usr/lib64', '/usr/libexec'].flatMap((root) => {
    if (!existsSync(root))
      return []
    // Debian puts the library folder under the multiarch triplet (/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1).
    const triplets = readdirSync(root).filter(name => name.endsWith('-linux-gnu')).map(name => join(root, name))
    return [root, ...triplets]
  })
  return existing(libraries.flatMap(dir => ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0'].map(name => join(dir, name, 'MiniBrowser'))))
}

export interface Display {
  /** The value for `DISPLAY`, e.g. `:99`. */
  display: string
  stop: () => void
}

/**
 * Starts an X server in memory on a free display number (`-displayfd` has Xvfb pick one and write it back), for
 * MiniBrowser, which opens a window even under automation.
 */
export function startXvfb(xvfb: string): Promise<Display> {
  return new Promise((resolve, reject) => {
    const server: ChildProcess = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    })
    let errors = ''
    let written = ''
    server.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString()
    })
    server.stdio[3]?.on('data', (chunk: Buffer) => {
      written += chunk.toString()
      if (written.includes('\n')) {
        const stop = () => {
          server.kill()
          process.off('exit', stop)
        }
        // Also when Vitest leaves without closing its providers: an X server left behind outlives the run.
        process.on('exit', stop)
        resolve({ display: `:${written.trim()}`, stop })
      }
    })
    server.once('error', reject)
    server.once('exit', (code) => {
      if (!written.includes('\n'))
        reject(new Error(`[vue-event-source] ${xvfb} exited with ${code} before it opened a display:\n${errors.trim()}`))
    })
  })
}

async function findWebKit(): Promise<FoundWebKit> {
  const [webDriver] = existing([...onPath(['WebKitWebDriver']), '/usr/bin/WebKitWebDriver'])
  if (!webDriver)
    throw missing('WebKitWebDriver', 'WebKitWebDriver on PATH and in /usr/bin', 'apt-get install -y webkit2gtk-driver.')
  const [xvfb] = existing([...onPath(['Xvfb']), '/usr/bin/Xvfb'])
  if (!xvfb)
    throw missing('Xvfb (MiniBrowser has no headless mode: it runs in a virtual display)', 'Xvfb on PATH and in /usr/bin', 'apt-get install -y xvfb.')
  const explicit = process.env.MINIBROWSER_PATH
  const candidates: [string, string][] = explicit ? [[explicit, 'MINIBROWSER_PATH']] : miniBrowserCandidates().map(path => [path, 'system'])
  if (!candidates.length)
    throw missing('WebKitGTK\'s MiniBrowser', 'webkit2gtk-4.1/MiniBrowser and webkit2gtk-4.0/MiniBrowser under /usr/lib and /usr/libexec', 'apt-get install -y webkit2gtk-driver (its libwebkit2gtk-4.1-0 dependency brings MiniBrowser), or set MINIBROWSER_PATH.')
  // MiniBrowser needs a display even to print its version.
  const screen = await startXvfb(xvfb)
  try {
    for (const [path, source] of candidates) {
      const version = await versionOf(path, { DISPLAY: screen.display })
      if (version)
        return { executablePath: path, source, version, webDriver, xvfb }
    }
  }
  finally {
    screen.stop()
  }
  throw missing('WebKitGTK\'s MiniBrowser', `${candidates.map(([path]) => path).join(', ')} (\`--version\` failed)`, 'apt-get install -y webkit2gtk-driver, or set MINIBROWSER_PATH.')
}

export interface FoundBrowsers {
  firefox?: FoundFirefox
  webkit?: FoundWebKit
}

let found: Promise<FoundBrowsers> | undefined

/**
 * Firefox, WebKit or both, found once per process tree; logs each one as `browser.ts` logs Chromium. Both are looked
 * for before either is used, so a machine missing one learns it at the start of the run, not after Chromium's tests.
 */
export function findBrowsers(wanted: { firefox: boolean, webkit: boolean }): Promise<FoundBrowsers> {
  const inherited = process.env[FOUND]
  if (inherited)
    return Promise.resolve(JSON.parse(inherited) as FoundBrowsers)
  found ??= (async () => {
    const browsers: FoundBrowsers = {
      firefox: wanted.firefox ? await findFirefox() : undefined,
      webkit: wanted.webkit ? await findWebKit() : undefined,
    }
    process.env[FOUND] = JSON.stringify(browsers)
    const { firefox, webkit } = browsers
    if (firefox)
      process.stdout.write(`[vue-event-source] Browser: ${firefox.version} (${firefox.source}: ${firefox.executablePath})\n`)
    if (webkit)
      process.stdout.write(`[vue-event-source] Browser: ${webkit.version} MiniBrowser (${webkit.source}: ${webkit.executablePath}, driven by ${webkit.webDriver})\n`)
    return browsers
  })()
  return found
}
