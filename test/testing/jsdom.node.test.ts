// @vitest-environment jsdom
import { expect, it } from 'vitest'
import { driveFeed } from './feed'

it('drives a component in jsdom, with no network', async () => {
  // jsdom has no EventSource: every request goes as the fetch transport would send it.
  expect(await driveFeed()).toEqual(['fetch', 'fetch', 'fetch'])
})
