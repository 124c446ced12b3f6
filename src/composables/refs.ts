import type { ShallowRef } from 'vue'
import type { SseError } from '../errors'
import type { SseMessage, UseEventSourceOptions } from '../request/options'
import type { Subscriber } from '../store/store'
import type { SseStatus, StreamState } from '../stream/types'
import { shallowRef, triggerRef } from 'vue'
import { DEV } from '../env'
import { inStream, SseError as ParseError } from '../errors'

type Handler = (message: SseMessage<never>) => void

type RefsOptions<Data> = Pick<UseEventSourceOptions<Data>, 'history' | 'events' | 'serializer' | 'json' | 'onMessage' | 'onOpen' | 'onError' | 'onComment' | 'initialLastEventId'>

interface Refs<Data> {
  status: ShallowRef<SseStatus>
  data: ShallowRef<Data | null>
  event: ShallowRef<string | null>
  lastEventId: ShallowRef<string>
  error: ShallowRef<SseError | null>
  retryCount: ShallowRef<number>
  messages: ShallowRef<SseMessage<Data>[]>
}

/** How a caller reads an event's data, and tells of what it cannot read. */
interface Reader<Data> {
  read: (raw: string, type: string) => Data
  report: (failure: SseError) => void
}

/**
 * A caller's refs and the observer that feeds them from a stream: the one place where events meet reactivity. Every
 * event updates `data`, `event` and `lastEventId`; a message object is made only for a reader (`onMessage`, `on()`,
 * `history`), and `messages` is one array updated in place.
 */
export function createStreamRefs<Data>(options: RefsOptions<Data>) {
  const { events = [], serializer, json, onError, initialLastEventId = '' } = options
  const refs: Refs<Data> = {
    status: shallowRef<SseStatus>('CLOSED'),
    data: shallowRef<Data | null>(null),
    event: shallowRef<string | null>(null),
    lastEventId: shallowRef(initialLastEventId),
    error: shallowRef<SseError | null>(null),
    retryCount: shallowRef(0),
    messages: shallowRef<SseMessage<Data>[]>([]),
  }
  const types = new Set<string>(['message', ...events])
  // Handlers get the data as read; the event map only types what `on()` promises its caller.
  const handlers = new Map<string, Set<Handler>>()
  /** The method and URL of the stream the refs show, which its errors name. */
  let stream: [method: string, url: string] | null = null
  /** The stream's error as last shown: a caller's own report (a parse failure) stays until the stream's changes. */
  let seenError: SseError | null = null
  /**
   * The one writer of what the refs show of the stream's state: the stream's state observer, and the caller's own
   * "closed" (a partial state leaves the rest as it is).
   */
  const show = ({ status = refs.status.value, retryCount = refs.retryCount.value, lastEventId = refs.lastEventId.value, error = seenError }: Partial<StreamState>) => {
    refs.status.value = status
    refs.retryCount.value = retryCount
    refs.lastEventId.value = lastEventId
    if (error !== seenError)
      refs.error.value = seenError = error
  }
  const reader: Reader<Data> = {
    read: serializer
      ? (raw, type) => serializer.read(raw, type)
      : json ? raw => JSON.parse(raw) as Data : raw => raw as Data,
    report(failure) {
      const error = stream ? inStream(failure, ...stream) : failure
      refs.error.value = error
      onError?.(error)
    },
  }

  return {
    refs,
    /** An observer for one subscription, to the stream of this method and URL, which its errors name. */
    observer({ method, url }: { method: string, url: string }): Subscriber {
      stream = [method, url]
      seenError = null
      return observe(refs, types, handlers, reader, options, show)
    },
    report: reader.report,
    show,
    /** Another stream: nothing of the previous one may show as this one's. */
    reset(): void {
      refs.data.value = refs.event.value = null
      refs.messages.value = []
      show({ lastEventId: '' })
    },
    /** Listen to one event type without a reactive ref; returns `off()`. */
    on(type: string, handler: Handler): () => void {
      let set = handlers.get(type)
      if (!set)
        handlers.set(type, set = new Set())
      set.add(handler)
      return () => {
        set.delete(handler)
        if (set.size === 0 && handlers.get(type) === set)
          handlers.delete(type)
      }
    },
    /** Every event type someone here receives. */
    types: () => [...types, ...handlers.keys()],
  }
}

/** Feeds `refs` and the handlers from one subscription's events (its state goes through `show`). */
function observe<Data>(
  { data, event, lastEventId, error, messages }: Refs<Data>,
  types: Set<string>,
  handlers: Map<string, Set<Handler>>,
  { read, report }: Reader<Data>,
  { history = 0, onMessage, onOpen, onError, onComment }: RefsOptions<Data>,
  state: Subscriber['state'],
): Subscriber {
  const historySize = Math.max(0, Math.floor(history))
  return {
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
        report(new ParseError('parse', `Could not parse the data of a "${raw.type}" event${raw.lastEventId ? ` (id ${raw.lastEventId})` : ''}${DEV ? '; the stream goes on' : ''}.`, { cause }))
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
    comment: onComment,
    state,
  }
}
