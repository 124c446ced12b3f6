// Vitest global setup of the browser project: starts one SSE server per framework and the records endpoint, hands
// their origins to the tests (`inject('frameworks')`), and closes them all at the end.

import type { TestProject } from 'vitest/node'
import type { FrameworkOrigins } from './provided.ts'
import type { Running } from './records.ts'
import { startBetterSse } from './better-sse.ts'
import { startExpressSeed } from './express-seed.ts'
import { startFastify } from './fastify.ts'
import { startH3 } from './h3.ts'
import { startHono } from './hono.ts'
import { Recorder, startRecordsServer } from './records.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const recorder = new Recorder()
  const started: Running[] = []
  const start = async (running: Promise<Running>): Promise<string> => {
    const server = await running
    started.push(server)
    return server.origin
  }
  const teardown = async () => {
    await Promise.all(started.map(server => server.close()))
  }
  try {
    const origins: FrameworkOrigins = {
      records: await start(startRecordsServer(recorder)),
      servers: {
        'h3': await start(startH3(recorder)),
        'hono': await start(startHono(recorder)),
        'fastify': await start(startFastify(recorder)),
        'better-sse': await start(startBetterSse(recorder)),
        'express-seed': await start(startExpressSeed(recorder)),
      },
    }
    project.provide('frameworks', origins)
  }
  catch (error) {
    await teardown()
    throw error
  }
  return teardown
}
