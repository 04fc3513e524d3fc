/** Text helpers: highlighted fragments as segments (never as HTML), labels of the domain's words. */

export interface Segment {
  text: string;
  hit: boolean;
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  '#39': "'",
  '#x27': "'",
  '#x2F': '/',
  '#47': '/',
};

function decode(text: string): string {
  return text.replace(/&(#?[a-zA-Z0-9]+);/g, (whole, name: string) => {
    if (entities[name] !== undefined) return entities[name];
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? parseInt(name.slice(1), 10) : NaN;
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * A search highlight (HTML-encoded text with <em> around the hits, as the search service sends
 * it) as plain-text segments, rendered by the template as text: whatever a document's text
 * holds can never become markup.
 */
export function highlightSegments(fragment: string): Segment[] {
  const segments: Segment[] = [];
  const parts = fragment.split(/(<em>|<\/em>)/);
  let hit = false;
  for (const part of parts) {
    if (part === '<em>') hit = true;
    else if (part === '</em>') hit = false;
    else if (part) segments.push({ text: decode(part), hit });
  }
  return segments;
}

export type Validity = 'inForce' | 'amended' | 'repealed';

export const validityLabels: Record<Validity, string> = { inForce: '现行有效', amended: '已修订', repealed: '已废止' };

export const kindLabels: Record<string, string> = { policy: '政策文件', article: '新闻宣传' };

export const workflowLabels: Record<string, string> = {
  draft: '草稿',
  inReview: '待审核',
  approved: '已审核',
  published: '已发布',
  withdrawn: '已撤回',
};

/** 2024-04-15 → 2024年4月15日 */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** Today in the province (UTC+8), as YYYY-MM-DD, whatever the browser's time zone. */
export function provinceToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** An instant as the province's local date and time (2026/12/7 16:10:05), whatever the browser's time zone. */
export function provinceTime(iso: string): string {
  return iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
}

/** Fen as yuan with two decimals: 12345 → ¥123.45 */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

export function paragraphs(body: string): string[] {
  return body
    .split(/\n\s*\n|\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}
