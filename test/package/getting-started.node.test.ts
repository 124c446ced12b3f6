import type { ChildProcess } from 'node:child_process'
import type { RecipeServer } from '../recipes/serve'
import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { chromium } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from '../browser'
import { startRecipeServer } from '../recipes/serve'
import { cleanEnv, packPackage } from './pack'

/**
 * Getting started as a reader follows it: a fresh Vite app (the vue-ts template's files and compiler options), the
 * packed package installed by name, the page's four files pasted as they are, type-checked, then `node server.js` and
 * Vite's dev server, and the first stream in Chromium.
 */

const run = promisify(execFile)
const root = join(import.meta.dirname, '../..')
const recipes = join(root, 'test/recipes/getting-started')
const versionIn = (name: string): string => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version

/** The vue-ts template's compiler options (what `@vue/tsconfig` and the template set), for the app and for Node. */
const strictness = {
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
  noUncheckedSideEffectImports: true,
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: 'force',
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
}
const template: Record<string, string> = {
  'index.html': '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.ts"></script>\n  </body>\n</html>\n',
  'tsconfig.app.json': JSON.stringify({
    compilerOptions: { ...strictness, lib: ['ES2022', 'DOM', 'DOM.Iterable'], jsx: 'preserve', jsxImportSource: 'vue', types: ['vite/client'] },
    include: ['src/**/*.ts', 'src/**/*.vue'],
  }, null, 2),
  'tsconfig.node.json': JSON.stringify({ compilerOptions: { ...strictness, lib: ['ES2023'], types: ['node'] }, include: ['vite.config.ts'] }, null, 2),
}
/** The page's files, where it says to put them. */
const pasted = { 'server.js': 'server.js', 'vite.config.ts': 'vite.config.ts', 'src/main.ts': 'main.ts', 'src/App.vue': 'App.vue' }

let scratch = ''
let api: RecipeServer | undefined
let vite: ChildProcess | undefined

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vue-event-source-getting-started-'))
  const { tarball } = await packPackage(scratch)
  const app = join(scratch, 'my-app')
  await mkdir(join(app, 'src'), { recursive: true })
  await writeFile(join(app, 'package.json'), JSON.stringify({
    name: 'my-app',
    private: true,
    type: 'module',
    dependencies: { 'vue': versionIn('vue'), 'vue-event-source': `file:../${basename(tarball)}` },
    devDependencies: Object.fromEntries(['vite', '@vitejs/plugin-vue', 'vue-tsc', 'typescript', '@types/node'].map(name => [name, versionIn(name)])),
  }, null, 2))
  for (const [name, content] of Object.entries(template))
    await writeFile(join(app, name), content)
  for (const [to, from] of Object.entries(pasted))
    await copyFile(join(recipes, from), join(app, to))
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: cleanEnv() })
}, 300_000)

afterAll(async () => {
  vite?.kill()
  await api?.stop()
  if (scratch)
    await rm(scratch, { recursive: true, force: true })
})

describe('getting started, pasted into a fresh Vite app', { timeout: 120_000 }, () => {
  it('type-checks as the vue-ts template checks an app', async () => {
    const app = join(scratch, 'my-app')
    const vueTsc = join(app, 'node_modules/vue-tsc/bin/vue-tsc.js')
    for (const project of ['tsconfig.app.json', 'tsconfig.node.json']) {
      const result = await run(process.execPath, [vueTsc, '--noEmit', '-p', project], { cwd: app }).catch((error: { stdout: string }) => error)
      expect(result.stdout, project).toBe('')
    }
  })

  it('shows the first stream in Chromium: node server.js, then Vite\'s dev server with the proxy', async () => {
    const app = join(scratch, 'my-app')
    api = await startRecipeServer(join(app, 'server.js'))
    // Vite's dev server with the pasted config; only the proxy's port is this run's (the page says 3001).
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const { createServer } = await import('vite')
      const server = await createServer({ server: { host: '127.0.0.1', port: 0, proxy: { '/api': process.env.API } }, logLevel: 'warn' })
      await server.listen()
      console.log('URL ' + server.resolvedUrls.local[0])
    `], { cwd: app, env: { ...cleanEnv(), API: api.origin }, stdio: ['ignore', 'pipe', 'pipe'] })
    vite = child
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        const found = /URL (\S+)/.exec(output)
        if (found)
          resolve(found[1]!)
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', code => reject(new Error(`Vite exited (${code}):\n${output}`)))
    })

    const browser = await chromium.launch(await launchOptions())
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', error => errors.push(error.message))
      page.on('console', message => message.type() === 'error' && errors.push(message.text()))
      await page.goto(url)
      await page.waitForFunction(() => /^ACME \d+\.\d\d$/.test(document.querySelector('#app')?.textContent?.trim() ?? ''), undefined, { timeout: 60_000 })
      expect(errors).toEqual([])
    }
    finally {
      await browser.close()
    }
  })
})
