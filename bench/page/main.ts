// The page the runner drives: every scenario is a function on window.bench, called through page.evaluate().

import { crossTab, crossTabTeardown, probe } from './crosstab'
import { cycles, storeEntries } from './cycles'
import { fanout, fanoutTeardown } from './fanout'
import { resume } from './resume'
import { storm, stormTeardown } from './storm'
import { throughput } from './throughput'

const scenarios = { crossTab, crossTabTeardown, cycles, fanout, fanoutTeardown, probe, resume, storeEntries, storm, stormTeardown, throughput }

export type Scenarios = typeof scenarios

declare global {
  interface Window {
    bench: Scenarios
  }
}

window.bench = scenarios
