import type { App, Component } from 'vue'
import type { UseEventSourceOptions, UseEventSourceReturn } from '../src'
import type { DevtoolsApi, InspectorNode, InspectorState, InspectorStatePayload, InspectorTreePayload } from '../src/devtools/format'
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createApp, defineComponent, h, ref } from 'vue'
import { createSse, useEventSource, useSseStore } from '../src'
import { INSPECTOR_ID, RECENT_EVENTS, TIMELINE_LAYER_ID } from '../src/devtools/devtools'
import { closeAllOnServer, cutIsNetworkError, serverConnections, uniqueTag, waitFor } from './server/client'
// Loads the devtools kit, which keeps the page's devtools hook; the fake host below listens on it.
import '@vue/devtools-api'

type TimelineOptions = Parameters<DevtoolsApi['addTimelineEvent']>[0]
type InspectorOptions = Parameters<DevtoolsApi['addInspector']>[0]
type TimelineEntry = TimelineOptions['event']

/**
 * What Vue Devtools' backend does with a plugin: it takes `setupDevtoolsPlugin()` calls on the page's devtools hook
 * and runs their setup function with its API. This host runs it with a recording API, and asks for the inspector
 * tree and state the way the devtools pane does.
 */
class FakeDevtools {
  readonly inspectors: InspectorOptions[] = []
  readonly layers: string[] = []
  readonly timeline: TimelineOptions[] = []
  private readonly treeHandlers: ((payload: InspectorTreePayload) => void)[] = []
  private readonly stateHandlers: ((payload: InspectorStatePayload) => void)[] = []

  constructor(readonly app: App) {}

  readonly api = {
    on: {
      getInspectorTree: (handler: (payload: InspectorTreePayload) => void) => this.treeHandlers.push(handler),
      getInspectorState: (handler: (payload: InspectorStatePayload) => void) => this.stateHandlers.push(handler),
    },
    addInspector: (options: InspectorOptions) => this.inspectors.push(options),
    addTimelineLayer: (options: { id: string }) => this.layers.push(options.id),
    addTimelineEvent: (options: TimelineOptions) => this.timeline.push(options),
    sendInspectorTree: () => {},
    sendInspectorState: () => {},
    now: () => Date.now(),
  } as unknown as DevtoolsApi

  tree(filter = ''): InspectorNode[] {
    const payload = { app: this.app, inspectorId: INSPECTOR_ID, filter, rootNodes: [] } as unknown as InspectorTreePayload
    this.treeHandlers.forEach(handler => handler(payload))
    return payload.rootNodes
  }

  state(nodeId: string): InspectorState {
    const payload = { app: this.app, inspectorId: INSPECTOR_ID, nodeId, state: null } as unknown as InspectorStatePayload
    this.stateHandlers.forEach(handler => handler(payload))
    return payload.state
  }

  /** Clicks a node's action button, found by its tooltip. */
  async nodeAction(tooltip: string, nodeId: string): Promise<void> {
    const action = this.inspectors.find(inspector => inspector.id === INSPECTOR_ID)?.nodeActions?.find(a => a.tooltip === tooltip)
    if (!action)
      throw new Error(`No node action "${tooltip}"`)
    await action.action(nodeId)
  }

  /** The timeline entries of our layer with this title, oldest first. */
  entries(title?: string): TimelineEntry[] {
    return this.timeline.filter(entry => entry.layerId === TIMELINE_LAYER_ID && (title === undefined || entry.event.title === title))
      .map(entry => entry.event)
  }
}

const hosts = new Map<App, FakeDevtools>()
const devtoolsHook = (globalThis as unknown as {
  __VUE_DEVTOOLS_HOOK: { hook: (name: string, fn: (descriptor: { app: App }, setup: (api: DevtoolsApi) => void) => void) => () => void }
}).__VUE_DEVTOOLS_HOOK
const unhook = devtoolsHook.hook('devtools-plugin:setup', (descriptor, setup) => {
  const host = new FakeDevtools(descriptor.app)
  hosts.set(descriptor.app, host)
  setup(host.api)
})

afterEach(() => hosts.clear())
afterAll(() => unhook())

/** The devtools of `app`, once the plugin has loaded its integration and the host has set it up. */
const devtoolsOf = (app: App) => waitFor(() => hosts.get(app))

function mount(component: Component): App {
  const app = createApp(component).use(createSse())
  app.mount(document.createElement('div'))
  onTestFinished(() => {
    if (app._container)
      app.unmount()
  })
  return app
}

const tags = (node: InspectorNode | undefined) => node?.tags?.map(tag => tag.label) ?? []
const section = (state: InspectorState, name: string) => Object.fromEntries((state[name] ?? []).map(item => [item.key, item.value]))

describe('the Vue Devtools inspector', () => {
  it('shows a shared stream with three subscribers, next to a component\'s own stream, and its recent events', async () => {
    const tag = uniqueTag('devtools')
    const shared = `/sse/counter?interval=20&tag=${tag}`
    const streams: UseEventSourceReturn[] = []
    const showKpi = ref(true)
    const subscriber = (name: string) => defineComponent({
      name,
      setup() {
        streams.push(useEventSource(shared, { shared: true }))
        return () => h('i')
      },
    })
    const PriceTable = subscriber('PriceTable')
    const TickerTape = subscriber('TickerTape')
    const KpiTiles = subscriber('KpiTiles')
    let own!: UseEventSourceReturn
    let store!: ReturnType<typeof useSseStore>
    const app = mount(defineComponent({
      name: 'Dashboard',
      setup() {
        store = useSseStore()
        // A query string may hold a token: the inspector never shows it.
        own = useEventSource(`/sse/events?interval=50&tag=${tag}&access_token=secret`, ['tick'])
        return () => h('div', [h(PriceTable), h(TickerTape), showKpi.value ? h(KpiTiles) : null])
      },
    }))
    const devtools = await devtoolsOf(app)
    expect(devtools.inspectors.map(inspector => inspector.label)).toEqual(['Server-Sent Events'])
    expect(devtools.layers).toEqual([TIMELINE_LAYER_ID])

    await waitFor(() => streams.every(stream => stream.status.value === 'OPEN') && own.status.value === 'OPEN')
    // More events than the inspector keeps.
    await waitFor(() => Number(streams[0]!.lastEventId.value) > RECENT_EVENTS + 5)

    const tree = devtools.tree()
    expect(tree).toHaveLength(2)
    const origin = window.location.origin
    const sharedNode = tree.find(node => node.label === `GET ${origin}/sse/counter`)
    const ownNode = tree.find(node => node.label === `GET ${origin}/sse/events`)
    expect(tags(sharedNode)).toEqual(['OPEN', 'shared', '3 subscribers'])
    expect(tags(ownNode)).toEqual(['OPEN', 'own', '1 subscriber'])
    expect(JSON.stringify(tree)).not.toContain('secret')

    const state = devtools.state(sharedNode!.id)
    const stream = section(state, 'stream')
    const [connection] = store.connections
    expect(stream).toEqual({
      key: connection!.key,
      url: `${origin}/sse/counter`,
      method: 'GET',
      transport: 'fetch',
      status: 'OPEN',
      role: 'local',
      shared: true,
      lastEventId: connection!.lastEventId,
      retryCount: 0,
      error: null,
    })
    expect(section(state, 'subscribers')).toEqual({
      count: 3,
      components: [
        expect.stringMatching(/^<PriceTable> \(uid \d+\)$/),
        expect.stringMatching(/^<TickerTape> \(uid \d+\)$/),
        expect.stringMatching(/^<KpiTiles> \(uid \d+\)$/),
      ],
    })

    // The last RECENT_EVENTS events, newest first: the counter's data is its id.
    const recent = state['recent events']!
    expect(recent).toHaveLength(RECENT_EVENTS)
    const ids = recent.map(item => Number((item.value as { id: string }).id))
    expect(ids[0]).toBe(Number(connection!.lastEventId))
    expect(ids).toEqual(ids.map((_, index) => ids[0]! - index))
    for (const item of recent) {
      const event = item.value as { time: string, type: string, id: string, data: string }
      expect(event).toEqual({ time: expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), type: 'message', id: event.id, data: event.id })
    }

    const ownState = devtools.state(ownNode!.id)
    expect(section(ownState, 'stream')).toMatchObject({ key: '(own connection, not shared)', url: `${origin}/sse/events`, shared: false })
    expect(section(ownState, 'subscribers').components).toEqual([expect.stringMatching(/^<Dashboard> \(uid \d+\)$/)])
    expect(JSON.stringify(ownState)).not.toContain('secret')

    // The filter finds a stream by a component that subscribes to it.
    expect(devtools.tree('kpitiles').map(node => node.id)).toEqual([sharedNode!.id])
    expect(devtools.tree('nothing like it')).toEqual([])

    // A subscriber leaves.
    showKpi.value = false
    await waitFor(() => tags(devtools.tree().find(node => node.id === sharedNode!.id))[2] === '2 subscribers')
    expect(section(devtools.state(sharedNode!.id), 'subscribers').components).toHaveLength(2)
  })

  it('closes and reconnects a stream from its node, resuming from its last event id', async () => {
    const tag = uniqueTag('devtools-actions')
    const streams: UseEventSourceReturn[] = []
    const app = mount(defineComponent({
      setup() {
        streams.push(
          useEventSource(`/sse/counter?interval=30&tag=${tag}`, { shared: true }),
          useEventSource(`/sse/counter?interval=30&tag=${tag}`, { shared: true }),
        )
        return () => h('i')
      },
    }))
    const devtools = await devtoolsOf(app)
    await waitFor(() => Number(streams[0]!.lastEventId.value) >= 3)
    const [node] = devtools.tree()

    await devtools.nodeAction('Close', node!.id)
    expect(streams.map(stream => stream.status.value)).toEqual(['CLOSED', 'CLOSED'])
    expect(tags(devtools.tree()[0])[0]).toBe('CLOSED')
    await waitFor(async () => (await serverConnections(tag)).every(record => !record.open))
    const closedAt = streams[0]!.lastEventId.value

    await devtools.nodeAction('Reconnect', node!.id)
    await waitFor(() => streams.every(stream => stream.status.value === 'OPEN'))
    const records = await serverConnections(tag)
    expect(records).toHaveLength(2)
    expect(records[1]?.lastEventId).toBe(closedAt)
    expect(devtools.entries('close')).toHaveLength(1)
  })
})

describe('the Vue Devtools timeline', () => {
  it('shows a dropped connection: the error, the reconnect it schedules and its delay, the open that follows', async () => {
    const tag = uniqueTag('devtools-drop')
    let stream!: UseEventSourceReturn
    const options: UseEventSourceOptions = { transport: 'fetch', autoReconnect: { delay: 100 } }
    const app = mount(defineComponent({
      setup() {
        stream = useEventSource(`/sse/counter?interval=30&tag=${tag}`, options)
        return () => h('i')
      },
    }))
    const devtools = await devtoolsOf(app)
    await waitFor(() => Number(stream.lastEventId.value) >= 3)
    const before = stream.lastEventId.value

    await closeAllOnServer({ tag })
    await waitFor(() => devtools.entries('open').length === 2)
    await waitFor(() => Number(stream.lastEventId.value) > Number(before) + 2)

    const origin = window.location.origin
    const titles = devtools.entries().map(entry => entry.title)
    // WebKit reads the cut as a clean end (see `cutIsNetworkError`): the same reconnect, with no error to show.
    const dropped = cutIsNetworkError('fetch') ? ['error', 'reconnect scheduled', 'open'] : ['reconnect scheduled', 'open']
    const drop = titles.indexOf(dropped[0]!)
    expect(titles.slice(drop, titles.indexOf('open', drop) + 1)).toEqual(dropped)
    expect(titles.filter(title => title === 'message').length).toBeGreaterThan(5)
    expect(titles).not.toContain('close')

    if (cutIsNetworkError('fetch')) {
      const [error] = devtools.entries('error')
      expect(error).toMatchObject({ logType: 'error', subtitle: `GET ${origin}/sse/counter`, data: { error: { type: 'network' } } })
    }
    const [scheduled] = devtools.entries('reconnect scheduled')
    expect(scheduled).toMatchObject({ logType: 'warning', data: { delay: expect.any(Number), retryCount: 1 } })
    expect((scheduled!.data as { delay: number }).delay).toBeGreaterThanOrEqual(100)
    // The second open resumes from where the drop left the stream.
    expect(devtools.entries('open')[1]?.data).toMatchObject({ transport: 'fetch', lastEventId: expect.any(String) })
    const message = devtools.entries('message').at(-1)!
    expect(message).toMatchObject({ subtitle: `GET ${origin}/sse/counter`, data: { type: 'message', id: message.data.id, data: message.data.id } })

    stream.close()
    await waitFor(() => devtools.entries('close').length === 1)
    expect(devtools.entries('close')[0]?.data).toMatchObject({ error: null })
  })

  it('shows a follower the reconnect its leader schedules, with the delay', async () => {
    const tag = uniqueTag('devtools-follower')
    const url = `/sse/counter?interval=30&tag=${tag}`
    const tab = defineComponent({
      setup() {
        useEventSource(url, { shared: true, crossTab: true, transport: 'fetch', autoReconnect: { delay: 100 } })
        return () => h('i')
      },
    })
    const leaderTools = await devtoolsOf(mount(tab))
    await waitFor(() => leaderTools.entries('leader change').length === 1)
    const followerTools = await devtoolsOf(mount(tab))
    await waitFor(() => tags(followerTools.tree()[0])[1] === 'shared, follower' && followerTools.entries('message').length > 0)
    expect(await serverConnections(tag)).toHaveLength(1)

    await closeAllOnServer({ tag })
    await waitFor(() => followerTools.entries('reconnect scheduled').length === 1)
    const [scheduled] = followerTools.entries('reconnect scheduled')
    expect(scheduled).toMatchObject({ logType: 'warning', data: { delay: expect.any(Number), retryCount: 1 } })
    expect((scheduled!.data as { delay: number }).delay).toBeGreaterThanOrEqual(100)
    expect(scheduled!.data).toEqual(leaderTools.entries('reconnect scheduled')[0]?.data)
    // The leader's reconnect.
    await waitFor(async () => (await serverConnections(tag)).length === 2)
  })

  it('shows a leader change when the tab that holds a cross-tab stream goes', async () => {
    const tag = uniqueTag('devtools-leader')
    const url = `/sse/counter?interval=30&tag=${tag}`
    // Two apps of one origin stand for two tabs: they share one lock and one channel, as tabs do.
    const tab = defineComponent({
      setup() {
        useEventSource(url, { shared: true, crossTab: true })
        return () => h('i')
      },
    })
    const first = mount(tab)
    const firstTools = await devtoolsOf(first)
    await waitFor(() => firstTools.entries('leader change').length === 1)
    const second = mount(tab)
    const secondTools = await devtoolsOf(second)
    await waitFor(() => tags(secondTools.tree()[0])[1] === 'shared, follower')
    expect(tags(firstTools.tree()[0])[1]).toBe('shared, leader')
    expect(firstTools.entries('leader change')[0]?.data).toMatchObject({ from: 'follower', to: 'leader' })

    first.unmount()
    await waitFor(() => secondTools.entries('leader change').length === 1, { timeout: 10_000 })
    expect(secondTools.entries('leader change')[0]).toMatchObject({ logType: 'warning', data: { from: 'follower', to: 'leader' } })
    await waitFor(() => tags(secondTools.tree()[0])[1] === 'shared, leader')
  })
})
