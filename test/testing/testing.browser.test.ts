import { expect, it } from 'vitest'
import { driveFeed } from './feed'

it('drives a component in a browser, with no network', async () => {
  // A plain GET would use the browser's EventSource, and a reconnect that resumes fetch: the requests say so, and
  // go through memory all the same.
  expect(await driveFeed()).toEqual(['native', 'fetch', 'fetch'])
})
