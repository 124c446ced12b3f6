import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** What a reader sees: the README and the site's pages (the reference is written from the types, not by hand). */
const pages = ['README.md', ...walk(join(root, 'docs'))
  .map(path => relative(root, path))
  .filter(path => path.endsWith('.md') && !path.startsWith('docs/reference/') && !path.startsWith('docs/.vitepress/'))]

/** The recipes: every file here but the tests' own harness, each run by a test. */
const harness = ['serve.ts', 'docs.node.test.ts', 'llm.node.test.ts', 'getting-started/getting-started.node.test.ts', 'auth/auth.node.test.ts']
const recipes = new Map(walk(import.meta.dirname)
  .map(path => [relative(import.meta.dirname, path), readFileSync(path, 'utf8')] as const)
  .filter(([path]) => !harness.includes(path)))

const CODE = new Set(['ts', 'js', 'vue', 'tsx', 'jsx'])
const FENCE = /^(`{3,})([^\n`]*)\n([\s\S]*?)^\1[ \t]*$/gm

interface Block { language: string, title: string | undefined, code: string, line: number }

function blocks(text: string): Block[] {
  return Array.from(text.matchAll(FENCE), match => ({
    language: /^\w*/.exec(match[2]!)![0],
    title: /\[(.+)\]/.exec(match[2]!)?.[1],
    code: match[3]!,
    line: text.slice(0, match.index).split('\n').length,
  })).filter(block => CODE.has(block.language))
}

const shown = pages.flatMap(page => blocks(readFileSync(join(root, page), 'utf8')).map(block => ({ page, ...block })))

describe('the recipes the README and the docs show', () => {
  it.each(pages)('%s shows every file as the tested recipe, byte for byte', (page) => {
    const files = shown.filter(block => block.page === page && block.title !== undefined)
    const untested = files.filter(block => ![...recipes.values()].includes(block.code)).map(block => `${page}:${block.line} [${block.title}]`)
    expect(untested, 'a block shown as a file is not a file of test/recipes/ (or differs from it)').toEqual([])
  })

  it.each(pages)('%s shows no longer untitled fragment: code a reader pastes is a whole tested file', (page) => {
    const fragments = shown.filter(block => block.page === page && block.title === undefined && block.code.trimEnd().split('\n').length > 3)
    expect(fragments.map(block => `${page}:${block.line}`)).toEqual([])
  })

  it.each([...recipes.keys()])('shows %s somewhere', (path) => {
    expect(shown.some(block => block.code === recipes.get(path)), `${path} is tested but no page shows it`).toBe(true)
  })
})

describe('the README, the npm page', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')

  it('is a front page, not the manual', () => {
    expect(readme.split('\n').length).toBeLessThan(300)
    expect(readme).toContain('npm install vue-event-source')
    expect(readme).toContain('npm install && npm run dev')
    expect(readme).toContain('npm install && npm test')
  })

  it('links only to absolute URLs or its own headings: the package ships dist/ and the README, nothing it could link to', () => {
    const targets = Array.from(readme.matchAll(/\]\(([^)\s]+)\)/g), match => match[1]!)
    expect(targets.length).toBeGreaterThan(0)
    expect(targets.filter(target => !/^https:\/\//.test(target) && !target.startsWith('#'))).toEqual([])
  })
})
