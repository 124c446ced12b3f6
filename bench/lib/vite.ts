import type { InlineConfig } from 'vite'
import { paths } from './paths'

/**
 * What every bench build shares: the library from src/, a production build, and Vue's compile-time flags as
 * @vitejs/plugin-vue sets them for a real app. `process.env.NODE_ENV` is pinned: Vite takes it from the environment
 * before the mode, and a development Vue (warnings, devtools hooks that keep every component mounted in the app's
 * first 3 s) would be measured instead.
 */
export function benchBuildConfig(root: string): InlineConfig {
  return {
    configFile: false,
    envDir: false,
    root,
    logLevel: 'warn',
    mode: 'production',
    publicDir: false,
    resolve: { alias: { 'vue-event-source': paths.src } },
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      '__VUE_OPTIONS_API__': 'true',
      '__VUE_PROD_DEVTOOLS__': 'false',
      '__VUE_PROD_HYDRATION_MISMATCH_DETAILS__': 'false',
    },
  }
}
