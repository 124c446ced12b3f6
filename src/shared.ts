import type { StreamRequest } from './store'
import type { ConnectionConfig, EventStream } from './stream'
import { Connection } from './connection'
import { digest } from './digest'
import { describeUrl } from './transports/url'

/**
 * The key of a shared stream and how to make it. The key is a digest of everything the server sees, the token and
 * headers included, so callers that differ in any of it never share a connection, and no secret appears in the key
 * (nor in lock and channel names).
 */
export async function sharedStream(request: StreamRequest): Promise<{ key: string, create: () => EventStream }> {
  const { config } = request
  // Headers read to choose the stream go with its first attempt, so the token getter runs once for it.
  let primed: ReturnType<ConnectionConfig['headers']> | null = config.headers()
  const [headers, crossTabModule] = await Promise.all([primed, request.crossTab ? import('./crossTab/stream') : null])
  const crossTab = !!crossTabModule?.crossTabSupported()
  const sorted = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]).sort()
  const { url, transport, method, body, withCredentials } = config
  const hash = await digest(JSON.stringify([url, transport, method, body ?? null, withCredentials, crossTab, sorted]))
  const key = `${method} ${describeUrl(url)} ${hash}`
  const primedConfig: ConnectionConfig = {
    ...config,
    headers: () => {
      const next = primed ?? config.headers()
      primed = null
      return next
    },
  }
  return {
    key,
    create: () => crossTab && crossTabModule ? new crossTabModule.CrossTabStream(key, primedConfig) : new Connection(primedConfig),
  }
}
