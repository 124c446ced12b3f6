import type { LaunchOptions } from 'playwright'
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import process from 'node:process'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { createBrotliDecompress } from 'node:zlib'

/**
 * The one place that finds the Chromium every browser test and the bench launch: Vitest browser mode, the playground
 * e2e, the cross-tab tabs, the pack test and `npm run bench`.
 *
 * Lookup order: `CHROME_PATH`; a Chromium or Chrome installed on the machine; Playwright's own browser cache; the
 * headless Chromium that `npm install` brings inside the `@sparticuz/chromium` package (Linux x64), unpacked once
 * into `node_modules/.cache`. The first one that starts wins.
 */

const run = promisify(execFile)

/** Flags for a headless Chromium on a machine whose only network is loopback and the package registries. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

export interface FoundBrowser {
  executablePath: string
  /** Where it came from, for the one log line: `CHROME_PATH`, `system`, `playwright cache`, `@sparticuz/chromium`. */
  source: string
  /** What `--version` printed. */
  version: string
  /** Extra environment the browser needs (the libraries shipped with `@sparticuz/chromium` on a bare machine). */
  env?: Record<string, string>
}

/** Workers and child processes reuse what the main process found instead of searching (and logging) again. */
const FOUND = 'VUE_EVENT_SOURCE_BROWSER'

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ...['PROGRAMFILES', 'PROGRAMFILES(X86)', 'LOCALAPPDATA'].flatMap((name) => {
    const base = process.env[name]
    return base ? [join(base, 'Google/Chrome/Application/chrome.exe'), join(base, 'Chromium/Application/chrome.exe')] : []
  }),
]

function systemCandidates(): string[] {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).flatMap(dir => SYSTEM_NAMES.map(name => join(dir, name)))
  return [...new Set([...fromPath, ...SYSTEM_PATHS])].filter(path => existsSync(path))
}

/** Playwright's downloaded browsers, newest revision first, where a machine has them. */
function playwrightCandidates(): string[] {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH
    ?? (process.platform === 'darwin'
      ? join(homedir(), 'Library/Caches/ms-playwright')
      : process.platform === 'win32'
        ? join(process.env.LOCALAPPDATA ?? homedir(), 'ms-playwright')
        : join(homedir(), '.cache/ms-playwright'))
  if (!existsSync(cache))
    return []
  const inside = [
    'chrome-headless-shell-linux64/chrome-headless-shell',
    'chrome-linux/headless_shell',
    'chrome-linux64/chrome',
    'chrome-linux/chrome',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
    'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-win/chrome.exe',
    'chrome-win64/chrome.exe',
  ]
  const revision = (name: string) => Number(name.split('-').pop())
  return readdirSync(cache)
    .filter(name => name.startsWith('chromium'))
    .sort((a, b) => revision(b) - revision(a))
    .flatMap(name => inside.map(path => join(cache, name, path)))
    .filter(path => existsSync(path))
}

/**
 * Unpacks the Chromium inside `@sparticuz/chromium` into a folder named after its version, once: into a temporary
 * folder renamed into place, so two processes unpacking at once never run a half-written binary. The package's own
 * `executablePath()` unpacks to a shared temp path without a version and sets flags made for AWS Lambda.
 */
async function unpackSparticuz(): Promise<{ path: string, lib: string } | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return undefined
  let entry: string
  try {
    // Its exports map hides package.json: resolve the entry point and walk up from it.
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium')
  }
  catch {
    return undefined
  }
  let packageDir = dirname(entry)
  let manifest: { name?: string, version?: string } = {}
  while (manifest.name !== '@sparticuz/chromium' && packageDir !== dirname(packageDir)) {
    packageDir = dirname(packageDir)
    const file = join(packageDir, 'package.json')
    manifest = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as typeof manifest : {}
  }
  const { version } = manifest
  if (!version)
    return undefined
  const bin = join(packageDir, 'bin')
  // node_modules/.cache: gone with node_modules, so a new version of the package is unpacked afresh.
  const target = join(packageDir, '../../.cache/vue-event-source', `chromium-${version}`)
  const path = join(target, 'chromium')
  const lib = join(target, 'lib')
  if (existsSync(path))
    return { path, lib }
  const scratch = `${target}.${process.pid}`
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(scratch, 'chromium'), { mode: 0o755 }))
  // NSS and expat, which a bare Linux may lack; used only when the machine's own cannot be found. Written to a file
  // first: tar stops reading at the archive's end marker, which would cut a pipe into it short.
  const archive = join(scratch, 'al2023.tar')
  await pipeline(createReadStream(join(bin, 'al2023.tar.br')), createBrotliDecompress(), createWriteStream(archive))
  await run('tar', ['-x', '-f', archive, '-C', scratch])
  rmSync(archive)
  try {
    renameSync(scratch, target)
  }
  catch (error) {
    // Another process got there first: its copy is complete.
    rmSync(scratch, { recursive: true, force: true })
    if (!existsSync(path))
      throw error
  }
  return { path, lib }
}

async function versionOf(executablePath: string, env?: Record<string, string>): Promise<string | undefined> {
  try {
    const { stdout } = await run(executablePath, ['--version', ...chromiumArgs], { timeout: 20_000, env: { ...process.env, ...env } })
    return stdout.trim() || 'Chromium'
  }
  catch {
    return undefined
  }
}

const HOW_TO_FIX = [
  'The browser tests need Chromium or Chrome, and none could be found or started.',
  'Looked for: CHROME_PATH, a Chromium or Chrome on PATH and in the usual install folders, Playwright\'s browser cache,',
  'and the Chromium inside the @sparticuz/chromium development dependency (Linux x64 only).',
  'Fix one of these:',
  '  - set CHROME_PATH to a Chromium or Chrome binary, e.g. CHROME_PATH=/usr/bin/chromium npm test;',
  '  - install Chrome or Chromium (Debian/Ubuntu: apt-get install -y chromium; macOS: Google Chrome from google.com/chrome);',
  '  - or run `npx playwright install chromium` where the network allows it.',
].join('\n')

async function search(): Promise<FoundBrowser> {
  const tried: string[] = []
  const explicit = process.env.CHROME_PATH
  if (explicit) {
    const version = await versionOf(explicit)
    if (version)
      return { executablePath: explicit, source: 'CHROME_PATH', version }
    // An explicit choice that does not start is an error, not a reason to pick another browser silently.
    throw new Error(`[vue-event-source] CHROME_PATH=${explicit} does not start (\`${explicit} --version\` failed).\n${HOW_TO_FIX}`)
  }
  for (const [source, paths] of [['system', systemCandidates()], ['playwright cache', playwrightCandidates()]] as const) {
    for (const path of paths) {
      const version = await versionOf(path)
      if (version)
        return { executablePath: path, source, version }
      tried.push(path)
    }
  }
  const packaged = await unpackSparticuz()
  if (packaged) {
    const version = await versionOf(packaged.path)
    if (version)
      return { executablePath: packaged.path, source: '@sparticuz/chromium', version }
    const env = { LD_LIBRARY_PATH: [packaged.lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }
    const withLibraries = await versionOf(packaged.path, env)
    if (withLibraries)
      return { executablePath: packaged.path, source: '@sparticuz/chromium', version: withLibraries, env }
    tried.push(packaged.path)
  }
  throw new Error(`[vue-event-source] ${HOW_TO_FIX}${tried.length ? `\nTried and failed to start: ${tried.join(', ')}` : ''}`)
}

let found: Promise<FoundBrowser> | undefined

/**
 * The browser for this run, found once per process tree: the first caller searches and logs which browser it uses;
 * processes it starts afterwards read the answer from the environment.
 */
export function findBrowser(): Promise<FoundBrowser> {
  const inherited = process.env[FOUND]
  if (inherited)
    return Promise.resolve(JSON.parse(inherited) as FoundBrowser)
  found ??= search().then((browser) => {
    process.env[FOUND] = JSON.stringify(browser)
    process.stdout.write(`[vue-event-source] Browser: ${browser.version} (${browser.source}: ${browser.executablePath})\n`)
    return browser
  })
  return found
}

function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/** Launch options for Playwright: the browser found above, headless, with the flags this machine needs. */
export async function launchOptions(): Promise<LaunchOptions> {
  const browser = await findBrowser()
  return {
    executablePath: browser.executablePath,
    args: chromiumArgs,
    headless: true,
    ...(browser.env ? { env: { ...definedEnv(), ...browser.env } } : {}),
  }
}
