import type { SseEventMap, SseMessage, SseSerializer, UseEventSourceOptions, UseEventSourceReturn, UseEventSourceUrl } from '../request/options'
import type { Subscription } from '../store/store'
import { getCurrentInstance, onMounted, onScopeDispose, toValue, watch } from 'vue'
import { useSseContext } from '../app/context'
import { DEV, isClient } from '../env'
import { SseError } from '../errors'
import { mergeOptions, resolveRequest } from '../request/resolve'
import { createStreamRefs } from './refs'

type Handler = (message: SseMessage<never>) => void

/** Whether `Data` and the data type of every event in the map can hold the raw string of a message. */
type HoldsString<Data, Events extends SseEventMap> = string extends Data
  ? { [Type in keyof Events]: string extends Events[Type] ? never : Type }[keyof Events] extends never ? true : false
  : false

/**
 * The URL of a call with neither `json: true` nor a `serializer`: its data is the raw string, so a type argument that
 * cannot hold one (`useEventSource<Tick>('/ticker')`) makes the URL a type error that says why.
 */
type RawUrl<Data, Events extends SseEventMap> = HoldsString<Data, Events> extends true
  ? UseEventSourceUrl
  : { 'data is the raw string: a type argument other than string needs json: true or a serializer': never }

/** A watch source's value as a string; one that cannot be read or serialized compares equal until it can. */
function signature(read: () => unknown): string {
  try {
    return JSON.stringify(read()) ?? ''
  }
  catch {
    return '\0unreadable'
  }
}

/**
 * Reactive Server-Sent Events. Connects over the browser's EventSource, fetch (headers, a token, any method, a body)
 * or event-source-polyfill (when chosen), reconnects with backoff and resumes from the last event id. Closes when the
 * calling effect scope is disposed.
 */
/* First, as the most common call: an arrow checked against an earlier overload would keep the parameter types it got there. */
// Neither `json: true` nor a serializer: `data` is the string the wire carries. A type argument must hold one
// (`string`, `unknown`); any other (`useEventSource<Tick>('/ticker')`) makes `url` a type error that says so.
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: RawUrl<Data, Events>, options?: UseEventSourceOptions<Data, Events> & { json?: false }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: RawUrl<Data, Events>, events: readonly (keyof Events & string)[], options?: UseEventSourceOptions<Data, Events> & { json?: false }): UseEventSourceReturn<Data, Events>
// `json: true` parses every message: `data` is whatever the type argument says, and `unknown` without one.
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, options: UseEventSourceOptions<Data, Events> & { json: true }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, events: readonly (keyof Events & string)[], options: UseEventSourceOptions<Data, Events> & { json: true }): UseEventSourceReturn<Data, Events>
// A serializer reads every message: `data` is what it returns.
export function useEventSource<Data, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, options: UseEventSourceOptions<Data, Events> & { serializer: SseSerializer<Data> }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, events: readonly (keyof Events & string)[], options: UseEventSourceOptions<Data, Events> & { serializer: SseSerializer<Data> }): UseEventSourceReturn<Data, Events>
// Options whose `json` is known only at run time (a variable of type `UseEventSourceOptions`): as without `json`.
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: RawUrl<Data, Events>, options?: UseEventSourceOptions<Data, Events>): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: RawUrl<Data, Events>, events: readonly (keyof Events & string)[], options?: UseEventSourceOptions<Data, Events>): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  eventsOrOptions?: readonly string[] | UseEventSourceOptions<Data, Events>,
  maybeOptions?: UseEventSourceOptions<Data, Events>,
): UseEventSourceReturn<Data, Events> {
  const call: UseEventSourceOptions<Data> = Array.isArray(eventsOrOptions)
    ? { ...maybeOptions as UseEventSourceOptions<Data>, events: [...eventsOrOptions as readonly string[], ...(maybeOptions?.events ?? [])] }
    : (eventsOrOptions as UseEventSourceOptions<Data> | undefined) ?? {}
  const context = useSseContext('useEventSource')
  const caller = DEV ? getCurrentInstance() : null
  const options = mergeOptions(context.options, call)
  const { immediate = true, autoConnect = true } = options
  // Asking one call for crossTab means sharing its stream: crossTab does nothing for a stream of this caller's own.
  const shared = options.shared ?? call.crossTab === true
  if (DEV && call.crossTab === true && call.shared === false)
    console.warn('[vue-event-source] crossTab: true has no effect with shared: false; only shared streams are held by one tab for all.')

  const sink = createStreamRefs<Data>(options)
  const { status, lastEventId } = sink.refs

  let subscription: Subscription | null = null
  /** The caller wants a connection: set by `immediate` and `open()`, cleared by `close()`. */
  let wanted = false
  /** URL, method and body of the stream the refs show: another target starts over, resume point included. */
  let target: string | null = null

  function attach(): void {
    if (!isClient)
      return
    // The refs' `lastEventId` is where the caller's stream stands: `initialLastEventId` at first, then what it received.
    const resolved = resolveRequest(url, options, context, { lastEventId: lastEventId.value, events: sink.types(), shared, caller })
    if (resolved === null)
      return
    if (resolved instanceof SseError) {
      sink.show({ status: 'CLOSED' })
      sink.report(resolved)
      return
    }
    if (target !== null && resolved.target !== target) {
      resolved.request.config.lastEventId = ''
      sink.reset()
    }
    target = resolved.target
    subscription = context.store.subscribe(resolved.request, sink.observer(resolved.request.config))
  }

  function unsubscribe(): void {
    if (subscription) {
      subscription.unsubscribe()
      subscription = null
    }
    sink.show({ status: 'CLOSED' })
  }

  function reconnect(): void {
    unsubscribe()
    attach()
  }

  function open(): void {
    wanted = true
    // Reads url, body and options again: a second chat prompt is a new request, not the first one resent.
    if (!subscription || !shared || status.value === 'CLOSED')
      reconnect()
  }

  function close(): void {
    wanted = false
    unsubscribe()
  }

  if (immediate) {
    wanted = true
    // In a component, connect once mounted: the first render (and hydration of server HTML) shows 'CLOSED' as the
    // server rendered it.
    const instance = getCurrentInstance()
    if (instance && !instance.isMounted)
      onMounted(() => wanted && !subscription && status.value === 'CLOSED' && attach())
    else
      attach()
  }

  if (autoConnect) {
    // Strings, compared by value: a dependency that changes without changing the request reconnects nothing.
    watch(() => signature(() => [toValue(url)?.toString() ?? null, toValue(options.body) ?? null]), () => wanted && reconnect())
    // New headers are another request (and, shared, another stream: its key holds them).
    watch(() => signature(() => toValue(options.headers) ?? null), () => wanted && subscription && reconnect())
  }

  // Outside any effect scope the caller closes it (`failSilently`: no warning).
  onScopeDispose(close, true)

  function on(type: string, handler: Handler): () => void {
    const off = sink.on(type, handler)
    subscription?.listen(type)
    return off
  }

  return { ...sink.refs, open, close, on: on as UseEventSourceReturn<Data, Events>['on'] }
}
