/**
 * One rule for text, applied to every JSON body, query string and path parameter before
 * validation: characters that have no business in what people type are refused with 400,
 * naming the field. They are control characters (tab, line feed and carriage return excepted),
 * bidirectional overrides and marks (which make text read differently from how it is stored:
 * "Trojan Source"), invisible format characters (zero-width space and the like, which make two
 * equal-looking names differ), the byte-order mark, and lone UTF-16 surrogates (not text at
 * all; stores and exports choke on them). The zero-width joiner stays: emoji sequences use it.
 */
import type { FieldViolation } from '@repo/errors';

const forbidden =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function describe(text: string): string {
  const match = forbidden.exec(text);
  const code = match?.[0].codePointAt(0) ?? 0;
  const name = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `must not contain control, bidirectional or invisible format characters (found ${name})`;
}

/** The first fields (at most `limit`) whose text breaks the rule, as `part.path.to.field`. */
export function textViolations(value: unknown, field: string, limit = 10, found: FieldViolation[] = []): FieldViolation[] {
  if (found.length >= limit) return found;
  if (typeof value === 'string') {
    if (forbidden.test(value)) found.push({ field, problem: describe(value) });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textViolations(item, `${field}[${i}]`, limit, found));
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (forbidden.test(key)) found.push({ field: `${field}.?`, problem: describe(key) });
      else textViolations(item, `${field}.${key}`, limit, found);
    }
  }
  return found;
}
