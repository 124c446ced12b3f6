import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The recipes the README shows, each in a code block that must be the tested file, byte for byte. */
const recipes = [
  ['LivePrice.vue', 'vue'],
  ['testing.node.test.ts', 'ts'],
  ['Chat.vue', 'vue'],
  ['chatServer.ts', 'ts'],
  ['msw.node.test.ts', 'ts'],
] as const

describe('the README recipes', () => {
  it.each(recipes)('show %s as it is tested', (file, language) => {
    const code = readFileSync(new URL(file, import.meta.url), 'utf8')
    expect(readme).toContain(`\`\`\`${language}\n${code}\`\`\``)
  })
})
