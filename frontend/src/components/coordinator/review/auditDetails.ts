/** An audit event's details as "name: value" lines; nested values as compact JSON. */
export function detailLines(details: Record<string, unknown>): Array<{ name: string; value: string }> {
  return Object.entries(details).map(([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }))
}
