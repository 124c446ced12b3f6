import type { App } from 'vue'
import type { SseOptions } from '../request/options'
import type { SseContext } from './context'
import { DEV, isClient } from '../env'
import { reportLater } from '../errors'
import { invalidOriginMessage } from '../request/origins'
import { createSseStore } from '../store/store'
import { sseContextKey } from './context'

export interface SsePlugin {
  /** The options this plugin provides to its app. */
  readonly options: SseOptions
  install: (app: App) => void
}

/** The option `name` is wrong: development says how to write it (`help`), production names it. */
function invalid(name: string, help: string): TypeError {
  return new TypeError(`[vue-event-source] ${DEV ? help : `Invalid ${name}.`}`)
}

function validate(options: SseOptions): void {
  if (options === null || typeof options !== 'object')
    throw invalid('plugin options', `The plugin options must be an object, got ${options === null ? 'null' : typeof options}.`)
  if (options.baseURL !== undefined && typeof options.baseURL !== 'string')
    throw invalid('baseURL', '`baseURL` must be a string such as \'/api\' or \'https://api.example.com\'.')
  if (options.onUnauthorized !== undefined && typeof options.onUnauthorized !== 'function')
    throw invalid('onUnauthorized', '`onUnauthorized` must be a function that refreshes the token (it may return a promise).')
  if (options.heartbeatTimeout !== undefined && !(options.heartbeatTimeout >= 0))
    throw invalid('heartbeatTimeout', '`heartbeatTimeout` must be a number of ms, 0 to turn it off.')
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins))
    throw invalid('allowedOrigins', '`allowedOrigins` must be an array of origins such as [\'https://api.example.com\'].')
  // A scheme-less entry would parse as a path of the page and silently allow the page's origin instead.
  const invalidOrigin = options.allowedOrigins && invalidOriginMessage(options.allowedOrigins)
  if (invalidOrigin)
    throw new TypeError(`[vue-event-source] ${invalidOrigin}`)
}

/**
 * Gives `app` its context: the options, a store of its own, and how its streams load a transport (the default, or
 * the in-memory one of `vue-event-source/testing`).
 */
export function provideSseContext(app: App, options: SseOptions, loadTransport?: SseContext['loadTransport']): void {
  const store = createSseStore()
  app.provide(sseContextKey, { options, store, loadTransport })
  // Unmounting the app closes every connection it opened.
  app.onUnmount(() => store.dispose())
  // Vue Devtools, in development only: a production build drops this branch, and the import with it, so neither
  // the integration nor @vue/devtools-api reaches its output. The test is spelled out here rather than read from
  // `DEV`: bundlers fold an imported constant only when they minify, after the chunks are made, which would leave
  // the devtools chunk in the output, loaded by nothing.
  if (process.env.NODE_ENV !== 'production' && isClient)
    import('../devtools/devtools').then(({ setupDevtools }) => setupDevtools(app, store), reportLater)
}

/** A plugin bound to one options object, one per app (Pinia style). */
export function createSse(options: SseOptions = {}): SsePlugin {
  validate(options)
  return {
    options,
    install: app => provideSseContext(app, options),
  }
}

/** `app.use(ssePlugin, options)`: the same as `app.use(createSse(options))`. */
export const ssePlugin = {
  install(app: App, options: SseOptions = {}): void {
    createSse(options).install(app)
  },
}
