/** The values by their key, each group in the values' order (Map.groupBy, which Node 20 lacks). */
export function groupBy<Value, Key>(
  values: Iterable<Value>,
  keyOf: (value: Value) => Key,
): Map<Key, Value[]> {
  const groups = new Map<Key, Value[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

/**
 * Chinese text in pinyin order, as a Chinese reader expects names listed. One collator for every
 * comparison: `localeCompare(…, 'zh-CN')` builds one per call (0.7 ms to sort 71 names, 0.06 with this).
 */
export const compareChinese = new Intl.Collator('zh-CN').compare;
