export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|')
  return [
    `| ${headers.map(escape).join(' | ')} |`,
    `|${headers.map((_, index) => index === 0 ? '---' : '---:').join('|')}|`,
    ...rows.map(row => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n')
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}
