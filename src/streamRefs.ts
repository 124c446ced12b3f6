import type { ShallowRef } from 'vue'
import type { SseError } from './errors'
import type { SseMessage, UseEventSourceOptions } from './options'
import type { SseStatus, StreamObserver } from './stream'
import type { RawEvent } from './transports/types'
import { shallowRef, triggerRef } from 'vue'
import { SseError as ParseError } from './errors'

type Handler = (message: SseMessage<never>) => void

/** What an event goes through on its way to a caller: its refs, its handlers and its options. */
interface Sink<Data> {
  data: ShallowRef<Data | null>
  event: ShallowRef<string | null>
  lastEventId: ShallowRef<string>
  messages: ShallowRef<SseMessage<Data>[]>
  /** The types the refs show. */
  types: Set<string>
  handlers: Map<string, Set<Handler>>
  historySize: number
  read: (raw: string, type: string) => Data
  report: (failure: SseError) => void
  onMessage: ((message: SseMessage<Data>) => void) | undefined
}

type RefsOptions<Data> = Pick<UseEventSourceOptions<Data>, 'history' | 'events' | 'serializer' | 'json' | 'onMessage' | 'onOpen' | 'onError' | 'initialLastEventId'>

/**
 * A caller's refs and the observer that feeds them from a stream: the one place where events meet reactivity. Every
 * event updates `data`, `event` and `lastEventId`; a message object is made only for a reader (`onMessage`, `on()`,
 * `history`), and `messages` is one array updated in place.
 */
export function createStreamRefs<Data>({ history = 0, events = [], serializer, json, onMessage, onOpen, onError, initialLastEventId = '' }: RefsOptions<Data>) {
  const status = shallowRef<SseStatus>('CLOSED')
  const data = shallowRef<Data | null>(null)
  const event = shallowRef<string | null>(null)
  const lastEventId = shallowRef(initialLastEventId)
  const error = shallowRef<SseError | null>(null)
  const retryCount = shallowRef(0)
  const messages = shallowRef<SseMessage<Data>[]>([])

  const historySize = Math.max(0, Math.floor(history))
  const types = new Set<string>(['message', ...events])
  // Handlers get the data as read; the event map only types what `on()` promises its caller.
  const handlers = new Map<string, Set<Handler>>()
  const read: (raw: string, type: string) => Data = serializer
    ? (raw, type) => serializer.read(raw, type)
    : json ? raw => JSON.parse(raw) as Data : raw => raw as Data

  function report(failure: SseError): void {
    error.value = failure
    onError?.(failure)
  }
  const sink: Sink<Data> = { data, event, lastEventId, messages, types, handlers, historySize, read, report, onMessage }

  /** An observer for one subscription: it shows the stream's error only when the stream's error changes. */
  function observer(): StreamObserver {
    let seenError: SseError | null = null
    return {
      event: raw => deliver(sink, raw),
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
  }

  /** Another stream: nothing of the previous one may show as this one's. */
  function reset(): void {
    data.value = event.value = null
    messages.value = []
    lastEventId.value = ''
  }

  /** Listen to one event type without a reactive ref; returns `off()`. */
  function on(type: string, handler: Handler): () => void {
    let set = handlers.get(type)
    if (!set)
      handlers.set(type, set = new Set())
    set.add(handler)
    return () => {
      set.delete(handler)
      if (set.size === 0 && handlers.get(type) === set)
        handlers.delete(type)
    }
  }

  return {
    refs: { status, data, event, lastEventId, error, retryCount, messages },
    observer,
    report,
    reset,
    on,
    /** Every event type someone here receives. */
    types: () => [...types, ...handlers.keys()],
  }
}

/** One event into the refs, and to whoever reads it. */
function deliver<Data>(sink: Sink<Data>, raw: RawEvent): void {
  // The stream's position moves with every event, whether or not this caller takes its type.
  sink.lastEventId.value = raw.lastEventId
  const listeners = sink.handlers.get(raw.type)
  const wantedType = sink.types.has(raw.type)
  if (!wantedType && !listeners)
    return
  let value: Data
  try {
    value = sink.read(raw.data, raw.type)
  }
  catch (cause) {
    sink.report(new ParseError('parse', `Could not parse the data of a "${raw.type}" event${raw.lastEventId ? ` (id ${raw.lastEventId})` : ''}; the stream goes on.`, { cause }))
    return
  }
  if (wantedType) {
    sink.event.value = raw.type
    sink.data.value = value
  }
  const { onMessage, historySize } = sink
  // A message object only for someone who reads it.
  if (!listeners && !onMessage && !(wantedType && historySize > 0))
    return
  const message: SseMessage<Data> = { event: raw.type, data: value, id: raw.lastEventId }
  if (wantedType) {
    if (historySize > 0) {
      const list = sink.messages.value
      list.push(message)
      if (list.length > historySize)
        list.splice(0, list.length - historySize)
      triggerRef(sink.messages)
    }
    onMessage?.(message)
  }
  listeners?.forEach(listener => listener(message as SseMessage<never>))
}
