import { formatIssuePath } from '../../../common/src/policy/policy-document';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths of the leaves that differ between two JSON documents, for auditors reading a change. */
export function changedPaths(before: Json | undefined, after: Json | undefined, path: (string | number)[] = []): string[] {
  if (isObject(before ?? null) && isObject(after ?? null)) {
    const left = before as { [key: string]: Json };
    const right = after as { [key: string]: Json };
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => changedPaths(left[key], right[key], [...path, key]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => changedPaths(item, after[index], [...path, index]));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [formatIssuePath(path)];
}
