import type { setupDevtoolsPlugin } from '@vue/devtools-api'
import type { SseError } from '../errors'
import type { InspectedStream, StreamCaller } from '../store/store'
import type { StreamState } from '../stream/types'
import type { RawEvent } from '../transports/types'
import { describeUrl } from '../transports/url'

export type DevtoolsApi = Parameters<Parameters<typeof setupDevtoolsPlugin>[1]>[0]
export type InspectorTreePayload = Parameters<Parameters<DevtoolsApi['on']['getInspectorTree']>[0]>[0]
export type InspectorStatePayload = Parameters<Parameters<DevtoolsApi['on']['getInspectorState']>[0]>[0]
export type InspectorNode = InspectorTreePayload['rootNodes'][number]
export type InspectorState = InspectorStatePayload['state']
type InspectorNodeTag = NonNullable<InspectorNode['tags']>[number]

/** Characters of an event's data the devtools show: enough to recognise it, never a whole payload. */
export const DATA_PREVIEW = 120

/** One event as the inspector lists it. */
export interface RecentEvent {
  /** Counts the stream's events since the devtools began watching it. */
  seq: number
  /** `Date.now()` when it arrived. */
  time: number
  type: string
  id: string
  data: string
}

/** What the inspector shows of one connection: the store's entry and what the devtools heard of it. */
export interface StreamView {
  readonly inspected: InspectedStream
  /** Newest last. */
  readonly recent: readonly RecentEvent[]
}

const WHITE = 0xFFFFFF
const STATUS_COLORS: Record<StreamState['status'], number> = { OPEN: 0x42B883, CONNECTING: 0xE6A23C, CLOSED: 0x8E8E8E }
const ERROR_COLOR = 0xE5484D
const ROLE_COLOR = 0x35495E

function tag(label: string, backgroundColor: number, tooltip?: string): InspectorNodeTag {
  return { label, textColor: WHITE, backgroundColor, ...(tooltip ? { tooltip } : {}) }
}

export function preview(data: string): string {
  return data.length > DATA_PREVIEW ? `${data.slice(0, DATA_PREVIEW)}…` : data
}

export function recentEvent(seq: number, event: RawEvent): RecentEvent {
  return { seq, time: Date.now(), type: event.type, id: event.lastEventId, data: preview(event.data) }
}

const FILE_NAME = /([^/\\]+)\.\w+$/
const pad = (value: number, length = 2) => String(value).padStart(length, '0')

/** Local time of day to the millisecond: events of a stream often come within one second. */
export function clockTime(time: number): string {
  const date = new Date(time)
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** A component as Vue's own devtools name it: its name, else the file of a `<script setup>` component. */
export function callerName(caller: StreamCaller): string {
  if (!caller)
    return 'an effect scope outside a component'
  const type = caller.type as { name?: string, __name?: string, __file?: string }
  const name = type.name ?? type.__name ?? type.__file?.match(FILE_NAME)?.[1] ?? 'Anonymous'
  return `<${name}> (uid ${caller.uid})`
}

/** Components in the order they were created (parents first), scopes outside one last. */
function byUid(a: StreamCaller, b: StreamCaller): number {
  return (a?.uid ?? Infinity) - (b?.uid ?? Infinity)
}

/** `GET https://host/path`: the URL with no query string, which may hold a token. */
export function streamLabel({ method, stream }: InspectedStream): string {
  return `${method} ${describeUrl(stream.url)}`
}

/** Shared or own, and which tab holds a cross-tab stream. */
export function sharing({ key, stream }: InspectedStream): string {
  if (key === null)
    return 'own'
  return stream.state.role === 'local' ? 'shared' : `shared, ${stream.state.role}`
}

export function errorSummary(error: SseError | null): Record<string, unknown> | null {
  return error && { type: error.type, message: error.message, ...(error.status === undefined ? {} : { status: error.status }) }
}

export function inspectorNode(view: StreamView): InspectorNode {
  const { inspected } = view
  const { state } = inspected.stream
  const subscribers = inspected.callers.length
  return {
    id: String(inspected.id),
    label: streamLabel(inspected),
    tags: [
      state.error && state.status !== 'OPEN'
        ? tag(state.status, ERROR_COLOR, `${state.error.type}: ${state.error.message}`)
        : tag(state.status, STATUS_COLORS[state.status]),
      tag(sharing(inspected), ROLE_COLOR, inspected.key ?? undefined),
      tag(`${subscribers} subscriber${subscribers === 1 ? '' : 's'}`, ROLE_COLOR),
    ],
  }
}

/** Whether the tree filter matches the stream's URL, key or one of its components. */
export function matches(view: StreamView, filter: string): boolean {
  const wanted = filter.trim().toLowerCase()
  if (!wanted)
    return true
  const { inspected } = view
  return [streamLabel(inspected), inspected.key ?? '', ...inspected.callers.map(callerName)]
    .some(text => text.toLowerCase().includes(wanted))
}

export function inspectorState(view: StreamView): InspectorState {
  const { inspected, recent } = view
  const { state } = inspected.stream
  return {
    'stream': [
      { key: 'key', value: inspected.key ?? '(own connection, not shared)' },
      { key: 'url', value: describeUrl(inspected.stream.url) },
      { key: 'method', value: inspected.method },
      { key: 'transport', value: state.transport },
      { key: 'status', value: state.status },
      { key: 'role', value: state.role },
      { key: 'shared', value: inspected.key !== null },
      { key: 'lastEventId', value: state.lastEventId },
      { key: 'retryCount', value: state.retryCount },
      { key: 'error', value: errorSummary(state.error) },
    ],
    'subscribers': [
      { key: 'count', value: inspected.callers.length },
      { key: 'components', value: [...inspected.callers].sort(byUid).map(callerName) },
    ],
    'recent events': [...recent].reverse().map(event => ({
      key: `#${event.seq}`,
      value: { time: clockTime(event.time), type: event.type, id: event.id, data: event.data },
    })),
  }
}
