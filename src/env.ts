/** Bundlers replace `process.env.NODE_ENV` (Vite, webpack, Rollup and esbuild with their usual setup), as Vue and Pinia count on. */
declare const process: { env: { NODE_ENV?: string } }

/**
 * Development build: a constant a bundler folds, so a production build drops every warning and check it guards.
 * Like Vue's and Pinia's ESM builds, this expects a bundler (or Node); a page that imports dist as it is, with no
 * bundler, needs `process.env.NODE_ENV` defined.
 */
export const DEV: boolean = process.env.NODE_ENV !== 'production'

export const isClient = typeof window !== 'undefined' && typeof document !== 'undefined'

/** The longest delay a browser timer holds (ms): past it, `setTimeout` fires at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1

/**
 * A delay a caller or a server set, as a timer can run it: clamped to `MAX_TIMER_DELAY`, never wrapped into an instant
 * retry; NaN and negative values are 0.
 */
export function timerDelay(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_TIMER_DELAY) : 0
}
