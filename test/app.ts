import type { h } from 'vue'
import { mount } from '@vue/test-utils'
import { afterEach } from 'vitest'
import { defineComponent } from 'vue'
import { createSse } from '../src'

const unmounts: (() => void)[] = []

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount()
})

/** Mounts `setup` as the root component of an app with the plugin installed; the app unmounts after the test. */
export function mountApp(setup: () => () => ReturnType<typeof h>, plugin = createSse()) {
  const wrapper = mount(defineComponent({ setup }), { global: { plugins: [plugin] } })
  unmounts.push(() => wrapper.unmount())
  return wrapper
}
