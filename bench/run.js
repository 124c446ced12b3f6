// Node 20 cannot load TypeScript itself: Vite's module runner loads bench/main.ts and the test server it reuses.
// The runner resolves a dev-server config, which sets NODE_ENV to 'development' when it is unset, and every later
// `vite build` in this process would then be a development build. The bench measures what users ship.
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runnerImport } from 'vite'

process.env.NODE_ENV = 'production'

runnerImport(fileURLToPath(new URL('./main.ts', import.meta.url)))
  .then(({ module }) => module.main(process.argv.slice(2)))
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
