import type { ComponentInternalInstance } from 'vue'
import type { EventStream } from '../stream/types'

/** Who subscribed: a component, or `null` for an effect scope outside one (a store, `effectScope()`). */
export type StreamCaller = ComponentInternalInstance | null

/** One connection of the app as the devtools show it. */
export interface InspectedStream {
  /** Stays the same while the connection lives, so a selected inspector node stays selected. */
  readonly id: number
  /** The stream key of a shared stream; `null` for a caller's own connection. */
  readonly key: string | null
  readonly method: string
  readonly stream: EventStream
  /** One entry per subscription, in the order they came. */
  readonly callers: readonly StreamCaller[]
}

/** Hears of the app's connections as they come, as their subscribers change and as they go. */
export interface StoreInspector {
  added: (stream: InspectedStream) => void
  /** A subscriber came or left. */
  changed: (stream: InspectedStream) => void
  /** Called after the connection closed, so an inspector still hears it close. */
  removed: (stream: InspectedStream) => void
}

interface Entry extends InspectedStream {
  callers: StreamCaller[]
}

/**
 * The app's connections and their subscribers, for the devtools: kept by the store in development only, from the
 * app's first connection on, since the devtools load later (and only when a devtools host takes them).
 */
export class StreamRegistry {
  private readonly entries = new Map<EventStream, Entry>()
  private readonly inspectors = new Set<StoreInspector>()
  private nextId = 1
  private disposed = false

  add(stream: EventStream, key: string | null, method: string): void {
    if (this.disposed || this.entries.has(stream))
      return
    const entry: Entry = { id: this.nextId++, key, method, stream, callers: [] }
    this.entries.set(stream, entry)
    this.inspectors.forEach(inspector => inspector.added(entry))
  }

  remove(stream: EventStream): void {
    const entry = this.entries.get(stream)
    if (!entry)
      return
    this.entries.delete(stream)
    this.inspectors.forEach(inspector => inspector.removed(entry))
  }

  join(stream: EventStream, caller: StreamCaller): void {
    const entry = this.entries.get(stream)
    if (!entry)
      return
    entry.callers.push(caller)
    this.inspectors.forEach(inspector => inspector.changed(entry))
  }

  leave(stream: EventStream, caller: StreamCaller): void {
    const entry = this.entries.get(stream)
    const index = entry ? entry.callers.indexOf(caller) : -1
    if (!entry || index === -1)
      return
    entry.callers.splice(index, 1)
    this.inspectors.forEach(inspector => inspector.changed(entry))
  }

  /** `inspector` hears of the connections there are now, then of every change; returns the function that stops it. */
  inspect(inspector: StoreInspector): () => void {
    if (this.disposed)
      return () => {}
    this.inspectors.add(inspector)
    this.entries.forEach(entry => inspector.added(entry))
    return () => this.inspectors.delete(inspector)
  }

  /** App unmount: the store has removed every connection; nothing is inspected any more. */
  dispose(): void {
    this.disposed = true
    this.inspectors.clear()
    this.entries.clear()
  }
}
