import type { Browser } from 'playwright'
import type { Scenarios } from '../page/main'
import type { BenchContext, PageSession } from './context'

async function openSession(context: Awaited<ReturnType<Browser['newContext']>>, origin: string): Promise<PageSession> {
  const page = await context.newPage()
  page.on('pageerror', error => console.error(`[bench page] ${error.message}`))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => 'bench' in window)
  const cdp = await context.newCDPSession(page)
  // Durations in the main thread's CPU time, not wall time: on a busy machine a descheduled task would count too.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
  return {
    page,
    cdp,
    run: (name, args) => page.evaluate(
      ([scenario, input]) => (window.bench[scenario] as (arg: unknown) => unknown)(input),
      [name, args] as [keyof Scenarios, unknown],
    ) as never,
    async mainThreadMs() {
      const { metrics } = await cdp.send('Performance.getMetrics')
      return (metrics.find(metric => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000
    },
    async heapAfterGc() {
      await cdp.send('HeapProfiler.collectGarbage')
      await cdp.send('HeapProfiler.collectGarbage')
      const usage = await cdp.send('Runtime.getHeapUsage')
      return usage.usedSize
    },
  }
}

export function pageRunner(browser: Browser, origin: string): Pick<BenchContext, 'withPages' | 'withPage'> {
  const withPages: BenchContext['withPages'] = async (count, use) => {
    const context = await browser.newContext()
    try {
      const sessions: PageSession[] = []
      for (let index = 0; index < count; index++) sessions.push(await openSession(context, origin))
      return await use(sessions, context)
    }
    finally {
      await context.close()
    }
  }
  return {
    withPages,
    withPage: use => withPages(1, ([session]) => use(session!)),
  }
}
