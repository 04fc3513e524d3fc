import type { ConverterFunction, ConverterOptions } from 'opencc-js/t2cn' with { 'resolution-mode': 'import' };

// Plain 't' (OpenCC's standard traditional set), not 'tw' or 'hk'. Almost everything we
// index is already simplified, so what matters is leaving it alone: over jieba's 350k-word
// dictionary, 't' alters only 51 words written without traditional characters, mostly old
// variants (藉口, 沈默, 覆命), whereas 'tw' alters 142 more (显著 → 显着, 么 → 幺).
const OPENCC_OPTIONS: ConverterOptions = { from: 't', to: 'cn' };

let toSimplified: ConverterFunction | undefined;

function traditionalToSimplified(text: string): string {
  if (!toSimplified) {
    // opencc-js ships ESM-flavoured typings for its CommonJS build, so TypeScript rejects a
    // static import from this CommonJS module; the types still come from the package.
    const { Converter } = require('opencc-js/t2cn') as { Converter: (options: ConverterOptions) => ConverterFunction };
    toSimplified = Converter(OPENCC_OPTIONS);
  }
  return toSimplified(text);
}

const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;
const FULL_WIDTH_OFFSET = 0xfee0;
// Invisible characters that Word and web pages leave inside copied text.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

function toHalfWidth(text: string): string {
  return text.replace(FULL_WIDTH_ASCII, (ch) => String.fromCharCode(ch.charCodeAt(0) - FULL_WIDTH_OFFSET));
}

/**
 * The one normalisation every text goes through before it is indexed or searched:
 * traditional → simplified, full-width ASCII → half-width, Latin lowercased,
 * whitespace (including the ideographic space) collapsed and trimmed.
 */
export function foldText(text: string): string {
  const halfWidth = toHalfWidth(text.replace(ZERO_WIDTH, ''));
  return traditionalToSimplified(halfWidth).toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * foldText without the steps that change the length (whitespace, zero-width characters),
 * so that offsets into the result are offsets into the original: segment this, then cut
 * the original at the same places. A conversion that would change the length is skipped.
 */
export function foldKeepingLength(text: string): string {
  const halfWidth = toHalfWidth(text);
  const simplified = traditionalToSimplified(halfWidth);
  const folded = simplified.length === halfWidth.length ? simplified : halfWidth;
  const lowered = folded.toLowerCase();
  return lowered.length === folded.length ? lowered : folded;
}

const HAN = /\p{Script=Han}/u;

export function hasChinese(text: string): boolean {
  return HAN.test(text);
}
