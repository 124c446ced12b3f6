import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const lock = join(root, 'node_modules/.cache/vue-event-source-pack.lock')

/** Without the test runner's variables: `NODE_ENV=test` would make npm, Vite and Nuxt behave unlike a user's shell. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) =>
    name !== 'NODE_ENV' && name !== 'TEST' && !name.startsWith('VITEST') && !name.startsWith('npm_'),
  ))
}

export interface Packed {
  /** The tarball's path. */
  tarball: string
  /** The paths of the files in it. */
  files: string[]
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Runs `task` while holding a lock that other processes (Vitest's workers) of this checkout respect. */
async function exclusively<T>(task: () => Promise<T>): Promise<T> {
  await mkdir(join(lock, '..'), { recursive: true })
  for (;;) {
    try {
      await mkdir(lock)
      break
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw error
    }
    // A holder that died (a run cut short) leaves the lock behind: its pid says so, or its lack of one a minute on.
    const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''))
    const since = await stat(lock).then(info => Date.now() - info.mtimeMs, () => 0)
    if (holder ? !isRunning(holder) : since > 60_000)
      await rm(lock, { recursive: true, force: true })
    else
      await new Promise(resolve => setTimeout(resolve, 250))
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid))
    return await task()
  }
  finally {
    await rm(lock, { recursive: true, force: true })
  }
}

/**
 * `npm run build`, then `npm pack` into `destination`, as a release does. One process at a time: the build empties
 * and rewrites dist/, so a second one at the same moment (the package tests run in parallel) would pack a torn dist/.
 */
export function packPackage(destination: string): Promise<Packed> {
  return exclusively(async () => {
    const env = cleanEnv()
    await run('npm', ['run', 'build'], { cwd: root, env })
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: root, env })
    const [pack] = JSON.parse(stdout) as [{ filename: string, files: { path: string }[] }]
    return { tarball: join(destination, pack.filename), files: pack.files.map(file => file.path) }
  })
}
