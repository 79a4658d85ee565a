/** A hash, key or other long token: monospace, wrapping anywhere so phones never scroll sideways. */
export function HashValue({ value }: { readonly value: string }) {
  return <code className="hash">{value}</code>;
}
