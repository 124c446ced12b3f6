// The page the runner drives: every scenario is a function on window.bench, called through page.evaluate().

import { cycles, storeEntries } from './cycles'
import { fanout, fanoutTeardown } from './fanout'
import { resume } from './resume'
import { throughput } from './throughput'

const scenarios = { cycles, fanout, fanoutTeardown, resume, storeEntries, throughput }

export type Scenarios = typeof scenarios

declare global {
  interface Window {
    bench: Scenarios
  }
}

window.bench = scenarios
