import type { SseEventMap, SseMessage, UseEventSourceOptions, UseEventSourceReturn, UseEventSourceUrl } from './options'
import type { Subscription } from './store'
import type { SseStatus, StreamObserver } from './stream'
import { tryOnScopeDispose } from '@vueuse/core'
import { getCurrentInstance, onMounted, shallowRef, toValue, triggerRef, watch } from 'vue'
import { useSseContext } from './context'
import { DEV, isClient } from './env'
import { SseError } from './errors'
import { mergeOptions, resolveRequest } from './resolve'

type Handler = (message: SseMessage<never>) => void

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
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, options?: UseEventSourceOptions<Data, Events> & { json?: false }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, events: readonly (keyof Events & string)[], options?: UseEventSourceOptions<Data, Events> & { json?: false }): UseEventSourceReturn<Data, Events>
// `json: true` parses every message: `data` is whatever the type argument says, and `unknown` without one.
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, options: UseEventSourceOptions<Data, Events> & { json: true }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, events: readonly (keyof Events & string)[], options: UseEventSourceOptions<Data, Events> & { json: true }): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, options?: UseEventSourceOptions<Data, Events>): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(url: UseEventSourceUrl, events: readonly (keyof Events & string)[], options?: UseEventSourceOptions<Data, Events>): UseEventSourceReturn<Data, Events>
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
  const { history = 0, immediate = true, autoConnect = true, initialLastEventId = '', serializer, json, onMessage, onOpen, onError } = options
  // Asking one call for crossTab means sharing its stream: crossTab does nothing for a stream of this caller's own.
  const shared = options.shared ?? call.crossTab === true
  if (DEV && call.crossTab === true && call.shared === false)
    console.warn('[vue-event-source] crossTab: true has no effect with shared: false; only shared streams are held by one tab for all.')

  const status = shallowRef<SseStatus>('CLOSED')
  const data = shallowRef<Data | null>(null)
  const event = shallowRef<string | null>(null)
  const lastEventId = shallowRef(initialLastEventId)
  const error = shallowRef<SseError | null>(null)
  const retryCount = shallowRef(0)
  const messages = shallowRef<SseMessage<Data>[]>([])

  const historySize = Math.max(0, Math.floor(history))
  const types = new Set<string>(['message', ...(options.events ?? [])])
  // Handlers get the data as read; the event map only types what `on()` promises its caller.
  const handlers = new Map<string, Set<Handler>>()
  const read: (raw: string, type: string) => Data = serializer
    ? (raw, type) => serializer.read(raw, type)
    : json ? raw => JSON.parse(raw) as Data : raw => raw as Data

  let subscription: Subscription | null = null
  let seenError: SseError | null = null
  /** The caller wants a connection: set by `immediate` and `open()`, cleared by `close()`. */
  let wanted = false
  /** A new URL, method or body is a new stream: its resume point starts over. */
  let resumeFrom = initialLastEventId
  let streamKey: string | null = null

  function report(failure: SseError): void {
    error.value = failure
    onError?.(failure)
  }

  const observer: StreamObserver = {
    event(raw) {
      // The stream's position moves with every event, whether or not this caller takes its type.
      lastEventId.value = raw.lastEventId
      const listeners = handlers.get(raw.type)
      const wantedType = types.has(raw.type)
      if (!wantedType && !listeners)
        return
      let value: Data
      try {
        value = read(raw.data, raw.type)
      }
      catch (cause) {
        report(new SseError('parse', `Could not parse the data of a "${raw.type}" event${raw.lastEventId ? ` (id ${raw.lastEventId})` : ''}; the stream goes on.`, { cause }))
        return
      }
      if (wantedType) {
        event.value = raw.type
        data.value = value
      }
      // A message object only for someone who reads it.
      if (!listeners && !onMessage && !(wantedType && historySize > 0))
        return
      const message: SseMessage<Data> = { event: raw.type, data: value, id: raw.lastEventId }
      if (wantedType) {
        if (historySize > 0) {
          const list = messages.value
          list.push(message)
          if (list.length > historySize)
            list.splice(0, list.length - historySize)
          triggerRef(messages)
        }
        onMessage?.(message)
      }
      listeners?.forEach(listener => listener(message as SseMessage<never>))
    },
    open() {
      error.value = null
      onOpen?.()
    },
    error: failure => onError?.(failure),
    state(state) {
      status.value = state.status
      retryCount.value = state.retryCount
      lastEventId.value = state.lastEventId
      if (state.error !== seenError) {
        seenError = state.error
        error.value = seenError
      }
    },
  }

  function attach(): void {
    if (!isClient)
      return
    const resolved = resolveRequest(url, options, context, { lastEventId: resumeFrom, events: [...types, ...handlers.keys()], shared, caller })
    if (resolved === null)
      return
    if (resolved instanceof SseError) {
      status.value = 'CLOSED'
      report(resolved)
      return
    }
    if (streamKey !== null && resolved.key !== streamKey) {
      // Another stream: nothing of the previous one may show as this one's.
      resumeFrom = resolved.request.config.lastEventId = ''
      data.value = event.value = null
      messages.value = []
      lastEventId.value = ''
    }
    streamKey = resolved.key
    seenError = null
    subscription = context.store.subscribe(resolved.request, observer)
  }

  function release(): void {
    if (subscription) {
      subscription.unsubscribe()
      resumeFrom = lastEventId.value
      subscription = null
    }
    status.value = 'CLOSED'
  }

  function reconnect(): void {
    release()
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
    release()
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

  tryOnScopeDispose(close)

  function on(type: string, handler: Handler): () => void {
    let set = handlers.get(type)
    if (!set)
      handlers.set(type, set = new Set())
    set.add(handler)
    subscription?.listen(type)
    return () => {
      set.delete(handler)
      if (set.size === 0 && handlers.get(type) === set)
        handlers.delete(type)
    }
  }

  return { status, data, event, lastEventId, error, retryCount, messages, open, close, on: on as UseEventSourceReturn<Data, Events>['on'] }
}
