import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

/** The names an entry point exports, read from its `export { … }` and `export type { … }` lines. */
function exported(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8')
  return Array.from(source.matchAll(/^export (?:type )?\{([^}]+)\}/gm), match => match[1]!.split(',').map(name => name.trim()))
    .flat()
    .filter(Boolean)
}

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(root, 'scripts/docs-reference.js')])
})

describe('the API reference written from the types', () => {
  it.each([
    ['src/index.ts', 'docs/reference/index.md'],
    ['src/testing/index.ts', 'docs/reference/testing.md'],
  ])('has a section for every export of %s', (entry, page) => {
    const names = exported(entry)
    expect(names.length).toBeGreaterThan(5)
    const text = readFileSync(join(root, page), 'utf8')
    expect(names.filter(name => !text.includes(`\n## ${name}\n`))).toEqual([])
  })

  it('shows the options with their doc comments and defaults', () => {
    const text = readFileSync(join(root, 'docs/reference/index.md'), 'utf8')
    expect(text).toContain('| `connectTimeout?` | `number` | `30000` | No response head within this many ms')
    expect(text).toContain('| `history?` | `number` | `0` |')
    expect(text).not.toMatch(/\/work\/|node_modules/)
  })
})
