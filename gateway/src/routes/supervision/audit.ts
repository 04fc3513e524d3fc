/** The audit log over REST: checkpoints, proofs, entries, and an export for the offline verifier. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/supervision/v1';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { call, errorResponses, int32, publicSecurity } from '../common';
import type { SupervisionClients, SupervisionRouteOptions } from './clients';

/** An int64 count (an index, a tree size) as REST carries it: exact in a JSON number. */
const size = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const base64 = (description: string) => Type.String({ contentEncoding: 'base64', description });
const isoTime = (description: string) => Type.String({ format: 'date-time', description });

const CheckpointBody = Type.Object(
  {
    origin: Type.String({ description: "The log's origin; its last segment names the hash (sha256 or sm3)" }),
    size: Type.Integer(),
    rootHash: base64('The root of the tree of `size` entries'),
    note: Type.String({
      description: 'The C2SP checkpoint: origin, size, root, a blank line, then the log signature and any cosignatures',
    }),
    signedAt: Type.String(),
    witnessed: Type.Boolean({ description: 'Whether the witness (上级纪委) cosigned it' }),
  },
  { $id: 'AuditCheckpoint' },
);

const CheckpointAnswer = Type.Object({
  checkpoint: CheckpointBody,
  logKey: Type.String({ description: "The log's public key as a verifier key (vkey)" }),
  witnessKey: Type.String({ description: "The witness's public key as a verifier key (vkey)" }),
});

const EntryBody = Type.Object(
  {
    index: Type.Integer(),
    eventId: Type.String(),
    type: Type.String({ description: 'What happened: <service>.<aggregate>.<fact>' }),
    actor: Type.String({ description: 'Who did it (user id, or system:<job>)' }),
    subjectId: Type.String({ description: 'The object it concerns' }),
    orgPath: Type.String({ description: 'The organisation it belongs to' }),
    occurredAt: Type.String(),
    loggedAt: Type.String(),
    data: Type.Unknown({ description: "The event's facts" }),
    leaf: Type.String({ description: "The leaf: the event's canonical JSON (RFC 8785), as the tree hashes it" }),
    leafHash: base64('H(0x00 ‖ leaf)'),
  },
  { $id: 'AuditEntry' },
);

const EntriesQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 120, description: 'Event type, e.g. member.member.nationalIdRevealed' })),
    actor: Type.Optional(Type.String({ maxLength: 120, description: 'User id of whoever acted' })),
    subjectId: Type.Optional(Type.String({ maxLength: 120, description: 'Id of the object' })),
    orgPath: Type.Optional(Type.String({ maxLength: 500, description: 'This organisation and below (within your scope), e.g. /1/7/' })),
    from: Type.Optional(isoTime('Occurred at or after')),
    to: Type.Optional(isoTime('Occurred before')),
    pageSize: Type.Optional(int32({ minimum: 1, maximum: 200, default: 50 })),
    pageToken: Type.Optional(Type.String({ maxLength: 500, description: 'nextPageToken of the previous page' })),
  },
  { additionalProperties: false },
);

const EntriesAnswer = Type.Object({
  entries: Type.Array(EntryBody),
  nextPageToken: Type.String({ description: 'Empty on the last page; a page may hold fewer entries than asked while this is set' }),
  logSize: Type.Integer(),
});

const InclusionQuery = Type.Object(
  {
    index: Type.Optional(size('The entry, by index')),
    eventId: Type.Optional(Type.String({ maxLength: 120, description: 'The entry, by the id of its event' })),
    treeSize: Type.Optional(size('Prove it for this tree size; the latest checkpoint when left out')),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ConsistencyQuery = Type.Object(
  { from: size('The older tree size'), to: size('The newer tree size, at most the latest checkpoint') },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  {
    start: Type.Optional(size('First entry; 0 when left out')),
    end: Type.Optional(size('One past the last entry; the latest checkpoint when left out')),
  },
  { additionalProperties: false },
);

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function toCheckpointBody(checkpoint: pb.Checkpoint | undefined): Static<typeof CheckpointBody> {
  if (!checkpoint) throw new Error('service answered without a checkpoint');
  return {
    origin: checkpoint.origin,
    size: Number(checkpoint.size),
    rootHash: b64(checkpoint.rootHash),
    note: checkpoint.note,
    signedAt: checkpoint.signedAt ?? '',
    witnessed: checkpoint.witnessed,
  };
}

function toEntryBody(entry: pb.AuditEntry | undefined): Static<typeof EntryBody> {
  if (!entry) throw new Error('service answered without an entry');
  return {
    index: Number(entry.index),
    eventId: entry.eventId,
    type: entry.type,
    actor: entry.actor,
    subjectId: entry.subjectId,
    orgPath: entry.orgPath,
    occurredAt: entry.occurredAt ?? '',
    loggedAt: entry.loggedAt ?? '',
    data: (JSON.parse(entry.leaf) as { data: unknown }).data,
    leaf: entry.leaf,
    leafHash: b64(entry.leafHash),
  };
}

/** Entries per export call to the service (its limit). */
const exportChunk = 5_000;

/**
 * The export as JSON Lines, read from the service a chunk at a time: the header, then each entry
 * with its recorded leaf hash, each checkpoint after the entry that completes its size.
 */
async function* exportLines(
  request: FastifyRequest,
  audit: SupervisionClients['audit'],
  first: pb.ExportAuditEntriesResponse,
  end: number,
) {
  yield `${JSON.stringify({ header: { format: 'partybuilding-audit-export/v1', origin: first.origin, start: Number(first.start), end, leftFrontier: first.leftFrontier.map(b64) } })}\n`;
  let chunk: pb.ExportAuditEntriesResponse | undefined = first;
  while (chunk) {
    const checkpoints = new Map(chunk.checkpoints.map((c) => [Number(c.size), c.note]));
    let lines = '';
    for (const entry of chunk.entries) {
      lines += `${JSON.stringify({ entry: { index: Number(entry.index), leaf: entry.leaf, leafHash: b64(entry.leafHash) } })}\n`;
      const note = checkpoints.get(Number(entry.index) + 1);
      if (note) lines += `${JSON.stringify({ checkpoint: note })}\n`;
    }
    yield lines;
    const next: number = Number(chunk.end);
    chunk =
      next < end
        ? await call(request, audit, 'exportAuditEntries', { start: String(next), end: String(Math.min(next + exportChunk, end)) })
        : undefined;
  }
}

export const auditRoutes: FastifyPluginAsyncTypebox<SupervisionRouteOptions> = async (app, { supervision }) => {
  const audit = supervision.audit;

  app.get(
    '/audit/checkpoint',
    {
      schema: {
        tags: ['audit'],
        summary: 'The latest signed checkpoint, or with witnessed=true the latest the witness cosigned',
        security: publicSecurity,
        querystring: Type.Object({ witnessed: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: { 200: CheckpointAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const answer = await call(request, audit, 'getCheckpoint', { witnessed: request.query.witnessed ?? false });
      return { checkpoint: toCheckpointBody(answer.checkpoint), logKey: answer.logKey, witnessKey: answer.witnessKey };
    },
  );

  app.get(
    '/audit/proofs/consistency',
    {
      schema: {
        tags: ['audit'],
        summary: 'Proof that the tree of `to` entries extends the tree of `from` (RFC 9162 §2.1.4)',
        security: publicSecurity,
        querystring: ConsistencyQuery,
        response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), hashes: Type.Array(base64('')) }), ...errorResponses },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const answer = await call(request, audit, 'getConsistencyProof', { firstSize: String(from), secondSize: String(to) });
      return { from, to, hashes: answer.hashes.map(b64) };
    },
  );

  app.get(
    '/audit/proofs/inclusion',
    {
      schema: {
        tags: ['audit'],
        summary: 'Proof that an entry is in the tree of a size (RFC 9162 §2.1.3); inspectors within their scope and superAdmins',
        querystring: InclusionQuery,
        response: {
          200: Type.Object({
            index: Type.Integer(),
            treeSize: Type.Integer(),
            leafHash: base64(''),
            hashes: Type.Array(base64('')),
            checkpoint: Type.Optional(CheckpointBody),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, audit, 'getInclusionProof', {
        index: String(q.index ?? 0),
        eventId: q.eventId ?? '',
        treeSize: String(q.treeSize ?? 0),
      });
      return {
        index: Number(answer.index),
        treeSize: Number(answer.treeSize),
        leafHash: b64(answer.leafHash),
        hashes: answer.hashes.map(b64),
        ...(answer.checkpoint ? { checkpoint: toCheckpointBody(answer.checkpoint) } : {}),
      };
    },
  );

  app.get(
    '/audit/entries',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Entries by type, actor, object, organisation and time, newest first; inspectors within their scope and superAdmins. Every query is itself logged',
        querystring: EntriesQuery,
        response: { 200: EntriesAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(
        request,
        audit,
        'listAuditEntries',
        pb.ListAuditEntriesRequest.create({
          type: q.type ?? '',
          actor: q.actor ?? '',
          subjectId: q.subjectId ?? '',
          orgPath: q.orgPath ?? '',
          ...(q.from ? { occurredFrom: q.from } : {}),
          ...(q.to ? { occurredTo: q.to } : {}),
          pageSize: q.pageSize ?? 50,
          pageToken: q.pageToken ?? '',
        }),
      );
      return { entries: answer.entries.map(toEntryBody), nextPageToken: answer.nextPageToken, logSize: Number(answer.logSize) };
    },
  );

  app.get(
    '/audit/entries/:index',
    {
      schema: {
        tags: ['audit'],
        summary: 'One entry; inspectors within their scope and superAdmins',
        params: Type.Object({ index: size('The entry') }, { additionalProperties: false }),
        response: { 200: EntryBody, ...errorResponses },
      },
    },
    async (request) => toEntryBody((await call(request, audit, 'getAuditEntry', { index: String(request.params.index) })).entry),
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The log as JSON Lines for `npm run audit:verify`: a header, each entry with the leaf hash the tree holds, the checkpoints signed in between; superAdmins',
        querystring: ExportQuery,
        response: {
          200: Type.Unsafe<Readable>({ type: 'string', description: 'application/x-ndjson: one JSON object a line' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const start = request.query.start ?? 0;
      // The first chunk before any byte is sent, so a refusal still answers with its status.
      const probe = await call(request, audit, 'exportAuditEntries', { start: String(start), end: String(request.query.end ?? 0) });
      const end = request.query.end ?? Number(probe.end);
      const first =
        Number(probe.end) - start > exportChunk
          ? await call(request, audit, 'exportAuditEntries', { start: String(start), end: String(start + exportChunk) })
          : probe;
      return reply.type('application/x-ndjson').send(Readable.from(exportLines(request, audit, first, end)));
    },
  );
};
