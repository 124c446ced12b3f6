import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Running } from './records.ts'

/** Listens on a free port of 127.0.0.1; closing drops the connections still open (streams, keep-alive). */
export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
