import { timerDelay } from '../env'

/**
 * The floor of every reconnect delay (ms) when the caller's own `delay` is not smaller: a server's `retry: 0` (or 1)
 * can never turn reconnects into a request loop.
 */
export const MIN_RECONNECT_DELAY = 250

export interface BackoffOptions {
  /** Base delay in ms when the server sent no `retry:`. */
  delay: number
  /** Upper bound in ms (a larger `retry:` from the server still wins: it is a floor). */
  maxDelay: number
  /** The server's `retry:` in ms, if it sent one. */
  serverRetry?: number | undefined
}

/** Where a reconnect window's upper end lies, as a multiple of `delay`, and of the server's `retry:` when it sent one. */
const WINDOW = 2.25
const RETRY_WINDOW = 2.5
/** The share of clients that draw from the window's first half: most come back early, the rest spread the tail. */
const EARLY = 0.7

/**
 * Delay before reconnect attempt `attempt` (0 for the first after a healthy stream), doubling on consecutive failures.
 *
 * - With a server `retry: R`: in [R, 2.5 R] × 2^attempt, so no reconnect comes sooner than the server asked.
 * - Without: in [floor, 2.25 × delay] × 2^attempt, floor = min(`MIN_RECONNECT_DELAY`, delay); with the default 1 s,
 *   0.25–2.25 s.
 *
 * Within that window 70 % of draws fall in the first half and 30 % in the second: when a server drops every client at
 * once, 24 clients' first reconnects spread over about 1.8 s (over more than R with a `retry:`) with no more than a
 * few in any 100 ms, yet the median client is back within about 1 s (bench: "Reconnect storm"). Both ends are capped at `maxDelay`, or at R when the
 * server asked for more than that.
 */
export function backoffDelay(attempt: number, { delay, maxDelay, serverRetry }: BackoffOptions, random: () => number = Math.random): number {
  const growth = 2 ** Math.min(attempt, 30)
  const floor = Math.min(MIN_RECONNECT_DELAY, delay)
  const low = serverRetry === undefined ? floor : Math.max(serverRetry, floor)
  const high = serverRetry === undefined ? WINDOW * delay : RETRY_WINDOW * low
  const cap = Math.max(maxDelay, low)
  const from = Math.min(cap, low * growth)
  const to = Math.max(from, Math.min(cap, high * growth))
  const middle = (from + to) / 2
  const draw = random()
  return Math.round(draw < EARLY
    ? from + (middle - from) * draw / EARLY
    : middle + (to - middle) * (draw - EARLY) / (1 - EARLY))
}

/**
 * The delay before a reconnect: `backoffDelay`, or the server's `Retry-After` (ms) plus up to 10 % of it when that is
 * longer, so that the clients a 503 turned away do not all come back in the same instant.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions, retryAfter?: number, random: () => number = Math.random): number {
  const backoff = backoffDelay(attempt, options, random)
  return timerDelay(retryAfter === undefined ? backoff : Math.max(backoff, retryAfter + Math.round(random() * retryAfter * 0.1)))
}

export interface ReconnectOptions {
  /**
   * Reconnect attempts in a row before giving up (`Infinity` or, as in VueUse, `-1`: never give up), or a function
   * asked before each attempt with the attempts made so far (VueUse's form): `false` gives up.
   * @default Infinity
   */
  retries?: number | ((retried: number) => boolean)
  /**
   * Base delay in ms, doubling on consecutive failures; a server's `retry:` replaces it. Each delay is drawn at
   * random from [min(250, delay), 2.25 × delay] × 2^failures, or [retry, 2.5 × retry] × 2^failures with a `retry:`
   * (see `backoffDelay`). 0 or less starts at 1 ms (and doubles); NaN is the default.
   * @default 1000
   */
  delay?: number
  /**
   * Upper bound of the delay in ms.
   * @default 30000
   */
  maxDelay?: number
  /** Called once when `retries` attempts have failed. */
  onFailed?: () => void
}

export type ResolvedReconnect = Required<Omit<ReconnectOptions, 'onFailed'>> & Pick<ReconnectOptions, 'onFailed'>

/** `autoReconnect` with its defaults, each also in place of an `undefined` (a prop passed through); null when off. */
export function reconnectOptions(option: boolean | ReconnectOptions | undefined): ResolvedReconnect | null {
  if (option === false)
    return null
  const { retries = Infinity, delay = 1000, maxDelay = 30_000, onFailed } = option === true || option == null ? {} : option
  // No value a caller passes makes a request loop: NaN takes the default, and a delay of 0 or less starts at 1 ms and
  // doubles like any other.
  return {
    retries: Number.isNaN(retries) ? Infinity : retries,
    delay: Number.isNaN(delay) ? 1000 : Math.max(1, timerDelay(delay)),
    maxDelay: maxDelay > 0 ? timerDelay(maxDelay) : 30_000,
    onFailed,
  }
}

/** Whether one more attempt may be made after `retried`: `retries` as a count (`-1`: for ever) or VueUse's function form. */
export function mayRetry({ retries }: ResolvedReconnect, retried: number): boolean {
  return typeof retries === 'function' ? retries(retried) : retries < 0 || retried < retries
}

/**
 * A stream proves healthy, so that the retry budget and the backoff start over, when an event arrives or when it has
 * stayed open this long (ms): a server that accepts and drops at once is backed off like any failure.
 */
export const HEALTHY_AFTER = 5000

/** The browser's own reconnect delay where the server sent no `retry:` (Chromium and Firefox: 3 s; WebKit: 1 s). */
export const BROWSER_RECONNECT_DELAY = 3000

/** `navigator.onLine` where there is one: false only when the browser knows it is offline. */
export function online(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false
}
