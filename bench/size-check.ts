// `npm run size`: the size budget. Builds the budgeted apps of lib/size.ts (no browser), prints what each loads
// above the baseline, gzipped, Vue bundled, beside its budget and aim from size-budget.json, and fails when a case
// is over its budget. `--update` lowers the budgets that a saving allows; it never raises one.

import type { SizeBudgets } from './lib/size'
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { budgetFile, budgetFor, measureApp, readBudgets, sizeApp } from './lib/size'

function print(line = ''): void {
  process.stdout.write(`${line}\n`)
}

const B = (value: number) => `${value.toLocaleString('en-US')} B`

/** Returns the exit code: 1 when a case is over its budget. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { update: { type: 'boolean', default: false } } })
  const startedAt = Date.now()
  const budgets = readBudgets()
  const ids = Object.keys(budgets.cases)
  const measure = async (id: string, lazyRoute: boolean) => (await measureApp(sizeApp(id), { vueExternal: false, lazyRoute })).loaded.gzip
  const baseline = await measure('baseline', false)
  const routeBaseline = await measure('baseline', true)
  const rows: { id: string, measured: number, routed: number }[] = []
  for (const id of ids)
    rows.push({ id, measured: await measure(id, false) - baseline, routed: await measure(id, true) - routeBaseline })

  print('Size budget: gzipped bytes above the baseline (createApp, ref, h), Vue bundled, of the initial chunks and the')
  print('lazy chunks loaded on the first connect (bench/lib/size.ts); budgets and aims from bench/size-budget.json.')
  print()
  const width = Math.max(...ids.map(id => (sizeApp(id).short ?? id).length))
  print(`      ${'case'.padEnd(width)}  ${'measured'.padStart(9)}  ${'budget'.padStart(9)}  ${'aim'.padStart(9)}  above the lazy-route baseline`)
  let over = 0
  const lower: SizeBudgets['cases'] = {}
  for (const { id, measured, routed } of rows) {
    const { aim, budget } = budgets.cases[id]!
    const status = measured > budget ? 'OVER' : 'ok'
    if (measured > budget)
      over++
    const wanted = budgetFor(aim, measured)
    if (wanted < budget)
      lower[id] = { aim, budget: wanted }
    print(`${status.padEnd(4)}  ${(sizeApp(id).short ?? id).padEnd(width)}  ${B(measured).padStart(9)}  ${B(budget).padStart(9)}  ${B(aim).padStart(9)}  ${B(routed)}`)
  }
  print()
  for (const { id, measured } of rows) {
    const { budget } = budgets.cases[id]!
    if (measured > budget)
      print(`${id}: ${B(measured - budget)} over its budget. Make it smaller, or raise the budget in bench/size-budget.json with the reason in the commit.`)
  }
  const lowered = Object.entries(lower)
  if (lowered.length > 0 && values.update) {
    writeFileSync(budgetFile, `${JSON.stringify({ ...budgets, cases: { ...budgets.cases, ...lower } }, null, 2)}\n`)
    print(`Lowered in bench/size-budget.json: ${lowered.map(([id, entry]) => `${id} ${B(budgets.cases[id]!.budget)} → ${B(entry.budget)}`).join(', ')}.`)
  }
  else if (lowered.length > 0) {
    print(`A saving allows lower budgets (${lowered.map(([id, entry]) => `${id} ${B(entry.budget)}`).join(', ')}): `
      + '`npm run size -- --update` writes them to bench/size-budget.json; commit it with the change.')
  }
  print(`${over === 0 ? 'Every case is within its budget' : `${over} case${over === 1 ? ' is' : 's are'} over budget`} (${((Date.now() - startedAt) / 1000).toFixed(1)} s).`)
  return over === 0 ? 0 : 1
}
