/** Lower-case header record of a fetch `Headers`; undefined when there are none. */
export function headersToRecord(headers: Headers | undefined | null): Record<string, string> | undefined {
  if (!headers) return undefined;
  const record: Record<string, string> = {};
  headers.forEach((value, key) => {
    record[key.toLowerCase()] = value;
  });
  return record;
}
