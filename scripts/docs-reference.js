// The API reference of the docs site, written from the library's types and their doc comments by the TypeScript
// compiler, so that it says what the code says: `npm run docs:dev` and `npm run docs:build` run it first, and its
// pages (docs/reference/*.md) are not committed.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'docs/reference')

/** One page per entry point of the package. */
const entries = [
  {
    file: 'src/index.ts',
    page: 'index.md',
    title: 'vue-event-source',
    intro: 'The main entry point: the plugin, the composables, the error class and their types.',
  },
  {
    file: 'src/testing/index.ts',
    page: 'testing.md',
    title: 'vue-event-source/testing',
    intro: 'Streams from memory for component tests: see [Testing](../guide/testing.md) for a whole test.',
  },
  {
    file: 'src/nuxt/module.ts',
    page: 'nuxt.md',
    title: 'vue-event-source/nuxt',
    intro: 'The Nuxt module: see [Nuxt and SSR](../guide/nuxt.md) for its use.',
  },
]

const program = ts.createProgram(entries.map(entry => join(root, entry.file)), {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
})
const checker = program.getTypeChecker()

/** Source text on one line: types and signatures as written, whatever their line breaks. */
const oneLine = text => text.replace(/\s*\n\s*/g, ' ').replace(/([(<[]) /g, '$1').replace(/,?\s+([)\]>])/g, '$1').replace(/;? \}/g, ' }')

/** Text for a table cell: one line, pipes escaped. */
const cell = text => oneLine(text).replace(/\|/g, '\\|')

const code = text => `\`${cell(text)}\``

function docOf(symbol) {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
}

function tag(symbol, name) {
  const found = symbol.getJsDocTags(checker).find(info => info.name === name)
  return found ? ts.displayPartsToString(found.text).trim() : undefined
}

/** The doc comment with its tags other than `@default`, for prose. */
function prose(symbol) {
  const tags = symbol.getJsDocTags(checker)
    .filter(info => info.name !== 'default')
    .map(info => `@${info.name} ${ts.displayPartsToString(info.text)}`.trim())
  return [docOf(symbol), ...tags].filter(Boolean).join('\n\n')
}

/** A declaration as it is written, without its body and its doc comment. */
function signatureText(node) {
  const source = node.getSourceFile().text
  const end = (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.body ? node.body.getStart() : node.getEnd()
  return source.slice(node.getStart(), end).trim().replace(/^export\s+/, '').replace(/^declare\s+/, '').replace(/;$/, '')
}

/** The `//` comments right above a declaration, as one paragraph. */
function lineComments(node) {
  const text = node.getSourceFile().text
  return (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [])
    .filter(range => range.kind === ts.SyntaxKind.SingleLineCommentTrivia)
    .map(range => text.slice(range.pos + 2, range.end).trim())
    .join(' ')
}

function membersTable(members) {
  const rows = members.filter(member => member.name && !ts.isIndexSignatureDeclaration(member)).map((member) => {
    const symbol = member.symbol
    const name = member.name.getText()
    const optional = member.questionToken ? '?' : ''
    const readonly = member.modifiers?.some(modifier => modifier.kind === ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : ''
    let type = member.type ? member.type.getText() : checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, member))
    if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member))
      type = `(${member.parameters.map(parameter => parameter.getText()).join(', ')}) => ${member.type?.getText() ?? 'void'}`
    const defaultValue = tag(symbol, 'default')
    const shownDefault = !defaultValue ? '' : /^(?:['"].*['"]|[\w.]+)$/.test(defaultValue) ? code(defaultValue) : cell(defaultValue)
    return `| ${code(`${readonly}${name}${optional}`)} | ${code(type)} | ${shownDefault} | ${cell(prose(symbol))} |`
  })
  if (rows.length === 0)
    return ''
  return ['| name | type | default | |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

function section(name, symbol) {
  const declarations = symbol.declarations ?? []
  const lines = [`## ${name === 'default' ? 'default export' : name}`, '']
  const first = declarations[0]
  if (!first)
    return lines

  if (ts.isFunctionDeclaration(first)) {
    const overloads = declarations.filter(node => ts.isFunctionDeclaration(node))
    const shown = overloads.length > 1 ? overloads.filter(node => !node.body) : overloads
    const doc = prose(symbol)
    if (doc)
      lines.push(doc, '')
    // Overloads come in groups, each under a line comment that says when it applies.
    let open = false
    for (const node of shown) {
      const caption = lineComments(node)
      if (caption && open) {
        lines.push('```', '')
        open = false
      }
      if (caption)
        lines.push(caption, '')
      if (!open)
        lines.push('```ts')
      open = true
      lines.push(`function ${oneLine(signatureText(node).replace(/^function\s+/, ''))}`)
    }
    lines.push('```', '')
    return lines
  }

  if (ts.isVariableDeclaration(first)) {
    const type = first.type ? first.type.getText() : checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, first), first, ts.TypeFormatFlags.NoTruncation)
    lines.push('```ts', `const ${name}: ${oneLine(type)}`, '```', '')
    const doc = prose(symbol)
    if (doc)
      lines.push(doc, '')
    return lines
  }

  if (ts.isExportAssignment(first)) {
    const type = checker.typeToString(checker.getTypeAtLocation(first.expression), first, ts.TypeFormatFlags.NoTruncation)
    // Without the absolute path of the module a type comes from: `import("/…/nuxt/schema").NuxtModule` → `NuxtModule`.
    lines.push('```ts', `export default ${oneLine(type).replace(/import\("[^"]+"\)\./g, '')}`, '```', '')
    const doc = prose(symbol)
    if (doc)
      lines.push(doc, '')
    return lines
  }

  if (ts.isTypeAliasDeclaration(first)) {
    lines.push('```ts', signatureText(first), '```', '')
    const doc = prose(symbol)
    if (doc)
      lines.push(doc, '')
    return lines
  }

  if (ts.isInterfaceDeclaration(first) || ts.isClassDeclaration(first)) {
    const heritage = first.heritageClauses?.map(clause => clause.getText()).join(' ')
    const generics = first.typeParameters ? `<${first.typeParameters.map(parameter => parameter.getText()).join(', ')}>` : ''
    const keyword = ts.isClassDeclaration(first) ? 'class' : 'interface'
    lines.push('```ts', oneLine(`${keyword} ${name}${generics}${heritage ? ` ${heritage}` : ''}`), '```', '')
    const doc = prose(symbol)
    if (doc)
      lines.push(doc, '')
    const members = first.members.filter((member) => {
      const modifiers = ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : []
      return !modifiers.some(modifier => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword)
        && !(member.name && ts.isPrivateIdentifier(member.name))
    })
    const constructor = members.find(member => ts.isConstructorDeclaration(member))
    if (constructor)
      lines.push('```ts', `new ${name}(${constructor.parameters.map(parameter => oneLine(parameter.getText())).join(', ')})`, '```', '')
    const table = membersTable(members.filter(member => !ts.isConstructorDeclaration(member)))
    if (table)
      lines.push(table, '')
    return lines
  }

  lines.push('```ts', signatureText(first), '```', '')
  return lines
}

/** Exports in the order a reader meets them: functions and values, classes, then interfaces and types. */
function rank(symbol) {
  const node = symbol.declarations?.[0]
  if (!node)
    return 9
  if (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node))
    return 0
  if (ts.isClassDeclaration(node))
    return 1
  if (ts.isInterfaceDeclaration(node))
    return 2
  return 3
}

/** How the entry point's values are imported: named, or the default export (a Nuxt module is named in `modules`). */
function importLine(from, exports) {
  const named = exports.filter(({ name, symbol }) => name !== 'default' && rank(symbol) <= 1).map(({ name }) => name)
  if (named.length > 0)
    return ['```ts', `import { ${named.join(', ')} } from '${from}'`, '```', '']
  return exports.some(({ name }) => name === 'default') ? [`Its default export is named in \`modules: ['${from}']\`.`, ''] : []
}

/** Writes the reference pages; returns their paths. */
export function writeReference() {
  mkdirSync(out, { recursive: true })
  const written = []
  for (const entry of entries) {
    const source = program.getSourceFile(join(root, entry.file))
    const moduleSymbol = source && checker.getSymbolAtLocation(source)
    if (!moduleSymbol)
      throw new Error(`[vue-event-source] docs: no module at ${entry.file}`)
    const exports = checker.getExportsOfModule(moduleSymbol)
      .map(symbol => ({ name: symbol.name, symbol: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol }))
      .sort((a, b) => rank(a.symbol) - rank(b.symbol) || a.name.localeCompare(b.name))
    const body = [
      '---',
      'editLink: false',
      '---',
      '',
      '<!-- Written by scripts/docs-reference.js from the types in src/: edit their doc comments, not this file. -->',
      '',
      `# ${entry.title}`,
      '',
      entry.intro,
      '',
      ...importLine(entry.title, exports),
      ...exports.flatMap(({ name, symbol }) => section(name, symbol)),
    ].join('\n')
    const path = join(out, entry.page)
    mkdirSync(dirname(path), { recursive: true })
    // Written aside, then renamed: a dev server or a test reading the page never sees half of it.
    writeFileSync(`${path}.${process.pid}`, `${body.trimEnd()}\n`)
    renameSync(`${path}.${process.pid}`, path)
    written.push(path)
  }
  return written
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(`[vue-event-source] API reference: ${writeReference().map(path => path.slice(root.length)).join(', ')}`)
