/**
 * What a request must be before anything validates it: a JSON body is UTF-8 (declared or not),
 * decodes without a single invalid byte, and nests at most `maxJsonDepth` levels; a query string
 * decodes. Everything past them is refused with 400 (415 for another charset), in the error
 * shape, before any schema, hook or service sees it.
 *
 * Why: bytes that are not UTF-8 would otherwise be read as U+FFFD and stored changed; an
 * undecodable percent-escape would be passed on as typed; and JSON nested a hundred thousand
 * levels deep (well within the body limit) overflows the stack of whatever walks it next.
 */
import { HttpError } from './errors';

/** Deeper than any body of the API (the deepest, a meeting's attendance, is three levels). */
export const maxJsonDepth = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a JSON body, or a refusal naming why it cannot be read. */
export function jsonText(contentType: string | undefined, body: Buffer): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new HttpError(415, 'UNSUPPORTED_CHARSET', `request bodies are JSON in UTF-8, not ${charset}`, { charset });
  }
  try {
    // A leading byte-order mark is dropped (RFC 8259 lets a reader ignore it).
    return utf8.decode(body);
  } catch {
    throw new HttpError(400, 'INVALID_UTF8', 'the request body is not valid UTF-8');
  }
}

/**
 * Whether parsed JSON nests deeper than `max` arrays and objects, found without recursion (the
 * point is not to overflow the stack on it).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function assertShallow(value: unknown): void {
  if (nestsDeeperThan(value, maxJsonDepth)) {
    throw new HttpError(400, 'JSON_TOO_DEEP', `the request body nests arrays and objects deeper than ${maxJsonDepth} levels`, {
      maxDepth: String(maxJsonDepth),
    });
  }
}

/**
 * Refuses a query string with a percent-escape that is not UTF-8 (an overlong or truncated
 * sequence, an encoded surrogate, `%ZZ`): the parser would pass it on as typed.
 */
export function assertDecodableQuery(url: string): void {
  const start = url.indexOf('?');
  if (start < 0) return;
  try {
    decodeURIComponent(url.slice(start + 1).replace(/\+/g, ' '));
  } catch {
    throw new HttpError(400, 'BAD_URL', 'the query string cannot be decoded: percent-escapes must spell UTF-8');
  }
}
