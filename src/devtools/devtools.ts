import type { App } from 'vue'
import type { SseStoreInternal } from '../store'
import type { SseRole, SseStatus } from '../stream'
import type { DevtoolsApi, RecentEvent, StreamView } from './format'
import type { InspectedStream } from './registry'
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
  unobserve: () => void
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
  const watched = new Map<string, Watched>()
  let refreshTimer: ReturnType<typeof setTimeout> | undefined

  function refresh(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined
      api.sendInspectorTree(INSPECTOR_ID)
      api.sendInspectorState(INSPECTOR_ID)
    }, REFRESH_EVERY)
  }

  function addEvent(view: Watched, title: string, data: Record<string, unknown>, logType: LogType = 'default'): void {
    api.addTimelineEvent({
      layerId: TIMELINE_LAYER_ID,
      event: {
        time: api.now(),
        title,
        subtitle: view.label,
        logType,
        data: { stream: view.label, ...data },
      },
    })
  }

  function watch(inspected: InspectedStream): void {
    const { stream } = inspected
    const view: Watched = {
      inspected,
      label: streamLabel(inspected),
      recent: [],
      seen: 0,
      status: stream.state.status,
      role: stream.state.role,
      unobserve: () => {},
    }
    view.unobserve = stream.observe({
      open: () => addEvent(view, 'open', { transport: stream.state.transport, lastEventId: stream.state.lastEventId }),
      event: (event) => {
        const recent = recentEvent(++view.seen, event)
        view.recent.push(recent)
        if (view.recent.length > RECENT_EVENTS)
          view.recent.shift()
        addEvent(view, event.type, { type: event.type, id: event.lastEventId, data: preview(event.data) })
        refresh()
      },
      error: error => addEvent(view, 'error', { error: errorSummary(error), retryCount: stream.state.retryCount }, 'error'),
      retrying: delay => addEvent(view, 'reconnect scheduled', { delay, retryCount: stream.state.retryCount }, 'warning'),
      state: (state) => {
        if (state.role !== view.role) {
          addEvent(view, 'leader change', { from: view.role, to: state.role }, 'warning')
          view.role = state.role
        }
        if (state.status === 'CLOSED' && view.status !== 'CLOSED')
          addEvent(view, 'close', { error: errorSummary(state.error), lastEventId: state.lastEventId })
        view.status = state.status
        refresh()
      },
    })
    watched.set(String(inspected.id), view)
    refresh()
  }

  function unwatch(inspected: InspectedStream): void {
    const id = String(inspected.id)
    watched.get(id)?.unobserve()
    watched.delete(id)
    refresh()
  }

  /** Runs `action` on the stream of an inspector node, then shows what it did. */
  const onNode = (action: (inspected: InspectedStream) => void) => (nodeId: string) => {
    const view = watched.get(nodeId)
    if (view)
      action(view.inspected)
    refresh()
  }

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
        refresh()
      } },
      { icon: 'link_off', tooltip: 'Close every stream', action: () => {
        store.closeAll()
        refresh()
      } },
    ],
    nodeActions: [
      { icon: 'refresh', tooltip: 'Reconnect', action: onNode(({ stream }) => stream.open()) },
      { icon: 'link_off', tooltip: 'Close', action: onNode(({ stream }) => stream.close()) },
    ],
  })

  api.on.getInspectorTree((payload) => {
    if (payload.app !== app || payload.inspectorId !== INSPECTOR_ID)
      return
    payload.rootNodes = [...watched.values()].filter(view => matches(view, payload.filter)).map(inspectorNode)
  })

  api.on.getInspectorState((payload) => {
    if (payload.app !== app || payload.inspectorId !== INSPECTOR_ID)
      return
    const view = watched.get(payload.nodeId)
    // A node selected in an earlier session of the page may be gone: nothing to show.
    if (view)
      payload.state = inspectorState(view)
  })

  const stop = store.inspect({ added: watch, changed: refresh, removed: unwatch })
  app.onUnmount(() => {
    stop()
    clearTimeout(refreshTimer)
    watched.forEach(view => view.unobserve())
    watched.clear()
  })
}
