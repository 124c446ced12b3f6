import { spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

export interface RecipeServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string
  stop: () => Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Runs a recipe's server file (a path) as a reader would, `node server.js`, on a free port given in `PORT`, and resolves once
 * it accepts connections; rejects with its output if it exits first.
 */
export async function startRecipeServer(file: string): Promise<RecipeServer> {
  const port = await freePort()
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<never>((_, reject) => child.once('exit', code => reject(new Error(`${file} exited (${code}) before listening:\n${output}`))))
  exited.catch(() => {})
  const deadline = Date.now() + 20_000
  while (!await accepts(port)) {
    if (Date.now() > deadline)
      throw new Error(`${file} did not listen on ${port} within 20 s:\n${output}`)
    await Promise.race([new Promise(resolve => setTimeout(resolve, 100)), exited])
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null)
        return resolve()
      child.once('exit', () => resolve())
      child.kill()
    }),
  }
}

/** happy-dom's page URL: relative URLs such as `baseURL: '/api'` then go to the recipe's server, as through a proxy. */
export function setPageOrigin(origin: string): void {
  (window as unknown as { happyDOM: { setURL: (url: string) => void } }).happyDOM.setURL(`${origin}/`)
}
