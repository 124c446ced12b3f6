import type { App } from 'vue'
import type { InspectedStream, SseStoreInternal } from '../store/store'
import type { SseRole, SseStatus } from '../stream/types'
import type { DevtoolsApi, RecentEvent, StreamView } from './format'
import { setupDevtoolsPlugin } from '@vue/devtools-api'
import { errorSummary, inspectorNode, inspectorState, matches, preview, recentEvent, streamLabel } from './format'

export const INSPECTOR_ID = 'vue-event-source'
export const TIMELINE_LAYER_ID = 'vue-event-source:streams'
const LABEL = 'Server-Sent Events'
/** Events the inspector keeps per stream: enough to see what just came, little enough for a stream that never stops. */
export const RECENT_EVENTS = 20
/** The inspector redraws at most this often (ms), however fast events come. */
const REFRESH_EVERY = 100

type LogType = 'default' | 'warning' | 'error'

interface Watched extends StreamView {
  /** The node's label, which every timeline entry of the stream carries. */
  label: string
  recent: RecentEvent[]
  seen: number
  status: SseStatus
  role: SseRole
  unsubscribe: () => void
}

/**
 * The Vue Devtools integration, as Pinia's: an inspector with one node per connection of the app (shared and
 * callers' own) and a timeline layer of what the streams do. Loaded in development only; the devtools host calls
 * the setup function once it is there, so nothing is watched or kept while no devtools run.
 */
export function setupDevtools(app: App, store: SseStoreInternal): void {
  setupDevtoolsPlugin({
    id: 'vue-event-source',
    label: LABEL,
    packageName: 'vue-event-source',
    app,
  }, api => watchStreams(api, app, store))
}

function watchStreams(api: DevtoolsApi, app: App, store: SseStoreInternal): void {
  const session = new Session(api)
  api.addTimelineLayer({ id: TIMELINE_LAYER_ID, label: LABEL, color: 0x42B883 })
  api.addInspector({
    id: INSPECTOR_ID,
    label: LABEL,
    icon: 'podcasts',
    treeFilterPlaceholder: 'URL, key or component',
    noSelectionText: 'Select a stream to see its state, subscribers and recent events.',
    actions: [
      { icon: 'refresh', tooltip: 'Reconnect every stream', action: () => {
        store.reconnectAll()
        session.refresh()
      } },
      { icon: 'link_off', tooltip: 'Close every stream', action: () => {
        store.closeAll()
        session.refresh()
      } },
    ],
    nodeActions: [
      { icon: 'refresh', tooltip: 'Reconnect', action: session.onNode(({ stream }) => stream.open()) },
      { icon: 'link_off', tooltip: 'Close', action: session.onNode(({ stream }) => stream.close()) },
    ],
  })

  api.on.getInspectorTree((payload) => {
    if (payload.app !== app || payload.inspectorId !== INSPECTOR_ID)
      return
    payload.rootNodes = [...session.watched.values()].filter(view => matches(view, payload.filter)).map(inspectorNode)
  })

  api.on.getInspectorState((payload) => {
    if (payload.app !== app || payload.inspectorId !== INSPECTOR_ID)
      return
    const view = session.watched.get(payload.nodeId)
    // A node selected in an earlier session of the page may be gone: nothing to show.
    if (view)
      payload.state = inspectorState(view)
  })

  const unsubscribe = store.inspect({
    added: inspected => session.add(inspected),
    changed: () => session.refresh(),
    removed: inspected => session.remove(inspected),
  })
  app.onUnmount(() => {
    unsubscribe()
    session.dispose()
  })
}

/** What the devtools show of one app's streams, by inspector node id, and the timeline entries they make. */
class Session {
  readonly watched = new Map<string, Watched>()
  private refreshTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly api: DevtoolsApi) {}

  /** Redraws the inspector soon: at most every `REFRESH_EVERY` ms. */
  refresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined
      this.api.sendInspectorTree(INSPECTOR_ID)
      this.api.sendInspectorState(INSPECTOR_ID)
    }, REFRESH_EVERY)
  }

  /** An inspector node action: runs `action` on the node's stream, then shows what it did. */
  onNode(action: (inspected: InspectedStream) => void): (nodeId: string) => void {
    return (nodeId) => {
      const view = this.watched.get(nodeId)
      if (view)
        action(view.inspected)
      this.refresh()
    }
  }

  add(inspected: InspectedStream): void {
    const { stream } = inspected
    const view: Watched = {
      inspected,
      label: streamLabel(inspected),
      recent: [],
      seen: 0,
      status: stream.state.status,
      role: stream.state.role,
      unsubscribe: () => {},
    }
    const add = this.addEvent.bind(this, view)
    view.unsubscribe = stream.observe({
      open: () => add('open', { transport: stream.state.transport, lastEventId: stream.state.lastEventId }),
      event: (event) => {
        view.recent.push(recentEvent(++view.seen, event))
        if (view.recent.length > RECENT_EVENTS)
          view.recent.shift()
        add(event.type, { type: event.type, id: event.lastEventId, data: preview(event.data) })
        this.refresh()
      },
      error: error => add('error', { error: errorSummary(error), retryCount: stream.state.retryCount }, 'error'),
      retrying: delay => add('reconnect scheduled', { delay, retryCount: stream.state.retryCount }, 'warning'),
      state: (state) => {
        if (state.role !== view.role) {
          add('leader change', { from: view.role, to: state.role }, 'warning')
          view.role = state.role
        }
        if (state.status === 'CLOSED' && view.status !== 'CLOSED')
          add('close', { error: errorSummary(state.error), lastEventId: state.lastEventId })
        view.status = state.status
        this.refresh()
      },
    })
    this.watched.set(String(inspected.id), view)
    this.refresh()
  }

  remove(inspected: InspectedStream): void {
    const id = String(inspected.id)
    this.watched.get(id)?.unsubscribe()
    this.watched.delete(id)
    this.refresh()
  }

  dispose(): void {
    clearTimeout(this.refreshTimer)
    this.watched.forEach(view => view.unsubscribe())
    this.watched.clear()
  }

  private addEvent(view: Watched, title: string, data: Record<string, unknown>, logType: LogType = 'default'): void {
    this.api.addTimelineEvent({
      layerId: TIMELINE_LAYER_ID,
      event: { time: this.api.now(), title, subtitle: view.label, logType, data: { stream: view.label, ...data } },
    })
  }
}
