import { expect, it } from 'vitest'
import { driveFeed } from './feed'

it('drives a component in a browser, with no network', async () => {
  // A plain GET on the page's origin goes over fetch, as every reconnect does: the requests say so, and go through
  // memory all the same.
  expect(await driveFeed()).toEqual(['fetch', 'fetch', 'fetch'])
})
