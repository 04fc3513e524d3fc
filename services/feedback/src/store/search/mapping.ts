/**
 * What the public search index holds of a message: its public fields only (never a contact, a
 * writer, a note for staff). Chinese is analysed by @repo/text, the same analysis as policy
 * search: display fields hold the original text cut into words by a thin space (phrases and
 * highlights), search fields hold the words and the dictionary words inside them (recall), both
 * under Elasticsearch's built-in `whitespace` analyzer.
 */
import { foldText, type TextAnalyzer } from '@repo/text';
import { handlingOrganization, type FeedbackMessage } from '../../domain/message';

const separator = '\u2009';

/** Bumped whenever the mapping changes; a service finding an older index rebuilds it. */
export const mappingVersion = 1;

export interface IndexedMessage {
  id: string;
  type: string;
  domain: string;
  region: string;
  status: string;
  replied: boolean;
  /** Recipient and handler: "messages of this organisation". */
  organizationIds: string[];
  organizationName: string;
  leaderPostId: string;
  subject: string;
  subjectSearch: string;
  body: string;
  bodySearch: string;
  reply: string;
  replySearch: string;
  submittedAt: string;
  repliedAt: string | null;
  revision: number;
}

const keyword = { type: 'keyword' as const };
const display = { type: 'text' as const, analyzer: 'whitespace', index_options: 'offsets' as const };
const recall = { type: 'text' as const, analyzer: 'whitespace' };

export const indexBody = (replicas: number) => ({
  settings: { number_of_shards: 1, number_of_replicas: replicas },
  mappings: {
    dynamic: 'strict' as const,
    _source: { excludes: ['subjectSearch', 'bodySearch', 'replySearch'] },
    _meta: { mappingVersion },
    properties: {
      id: keyword,
      type: keyword,
      domain: keyword,
      region: keyword,
      status: keyword,
      replied: { type: 'boolean' as const },
      organizationIds: keyword,
      organizationName: keyword,
      leaderPostId: keyword,
      subject: display,
      subjectSearch: recall,
      body: display,
      bodySearch: recall,
      reply: display,
      replySearch: recall,
      submittedAt: { type: 'date' as const },
      repliedAt: { type: 'date' as const },
      revision: { type: 'integer' as const },
    },
  },
});

/**
 * Text as the display fields hold it. A thin space in what someone wrote becomes a plain one
 * here (and only here: the store keeps the text as written), so the separator stays unambiguous.
 */
function displayed(analyzer: TextAnalyzer, text: string): string {
  return analyzer.displayTokens(text.replaceAll(separator, ' '), separator);
}

/** The index entry of a public message. */
export function toIndexed(analyzer: TextAnalyzer, message: FeedbackMessage): IndexedMessage {
  const handler = handlingOrganization(message);
  const reply = message.reply?.body ?? '';
  return {
    id: message.id,
    type: message.type,
    domain: message.domain,
    region: foldText(message.region),
    // A dispute is the organisations' business; the public sees the message as assigned.
    status: message.status === 'disputed' ? 'assigned' : message.status,
    replied: message.reply !== null,
    organizationIds: [...new Set([message.recipient.organizationId, handler.id])],
    organizationName: message.recipient.organizationName,
    leaderPostId: message.recipient.leaderPostId,
    subject: displayed(analyzer, message.subject),
    subjectSearch: analyzer.indexTokens(message.subject),
    body: displayed(analyzer, message.body),
    bodySearch: analyzer.indexTokens(message.body),
    reply: displayed(analyzer, reply),
    replySearch: analyzer.indexTokens(reply),
    submittedAt: message.submittedAt,
    repliedAt: message.reply?.at ?? null,
    revision: message.revision,
  };
}

/** A display field or a highlighted fragment back to running text. */
export function withoutSeparators(text: string): string {
  return text.replaceAll(separator, '');
}
