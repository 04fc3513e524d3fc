/**
 * The dead-letter stream (`DLQ`, subjects `dlq.<domain>.<durable>`): events a consumer gave up on
 * after its last delivery, kept 90 days with the reason. List them, or replay them to their
 * original subject once the cause is fixed (docs/runbook.md). A replayed event keeps its id, so
 * the consumers that already handled it skip it; it is published with a new Nats-Msg-Id
 * (`<id>:replay:<dead-letter sequence>`) so the stream's duplicate window does not drop it, and
 * the dead letter is removed from the stream only once the stream has stored the replay.
 *
 *   npx tsx deploy/tools/dead-letters.ts list   [--durable content-indexer] [--limit 100]
 *   npx tsx deploy/tools/dead-letters.ts replay [--durable content-indexer] [--limit 100] [--keep]
 *
 * Environment: NATS_URL (default nats://127.0.0.1:4222), BUS_NAMESPACE (the deployment's).
 * Bounded: at most --limit messages per run (default 100, at most 10,000).
 */
import { BusNames } from '@repo/bus';
import { connect, headers as natsHeaders, type JsMsg } from 'nats';

interface Options {
  command: 'list' | 'replay';
  durable?: string;
  limit: number;
  keep: boolean;
}

function parse(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'replay')
    throw new Error('usage: dead-letters.ts list|replay [--durable NAME] [--limit N] [--keep]');
  const options: Options = { command, limit: 100, keep: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--durable') options.durable = rest[++i];
    else if (arg === '--limit') {
      options.limit = Number(rest[++i]);
      if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000)
        throw new Error('--limit must be an integer from 1 to 10000');
    } else if (arg === '--keep') options.keep = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

export interface DeadLetter {
  sequence: number;
  subject: string;
  originalSubject: string;
  reason: string;
  eventId: string;
  eventType: string;
}

/** Lists (and with `replay`, replays) the dead letters; answers what it saw and did. */
export async function deadLetters(
  natsUrl: string,
  namespace: string | undefined,
  options: Options,
): Promise<{ letters: DeadLetter[]; replayed: number }> {
  const names = new BusNames(namespace);
  const nc = await connect({ servers: natsUrl.split(','), name: 'dead-letters' });
  try {
    const js = nc.jetstream();
    const filter = names.subject(options.durable ? `dlq.*.${options.durable}` : 'dlq.>');
    const consumer = await js.consumers.get(names.deadLetterStream(), { filterSubjects: [filter] });
    const jsm = await nc.jetstreamManager();
    const letters: DeadLetter[] = [];
    let replayed = 0;
    while (letters.length < options.limit) {
      const msg: JsMsg | null = await consumer.next({ expires: 1_000 });
      if (!msg) break;
      const event = msg.json<{ id?: string; type?: string }>();
      const letter: DeadLetter = {
        sequence: msg.seq,
        subject: msg.subject,
        originalSubject: msg.headers?.get('original-subject') ?? '',
        reason: msg.headers?.get('dead-letter-reason') ?? '',
        eventId: event.id ?? '',
        eventType: event.type ?? '',
      };
      letters.push(letter);
      if (options.command === 'replay' && letter.originalSubject) {
        const h = natsHeaders();
        h.set('event-type', letter.eventType);
        h.set('replayed-from-dead-letter', String(letter.sequence));
        await js.publish(letter.originalSubject, msg.data, {
          msgID: `${letter.eventId}:replay:${letter.sequence}`,
          headers: h,
          timeout: 5_000,
        });
        if (!options.keep) await jsm.streams.deleteMessage(names.deadLetterStream(), letter.sequence);
        replayed++;
      }
    }
    return { letters, replayed };
  } finally {
    await nc.close();
  }
}

if (require.main === module) {
  const options = parse(process.argv.slice(2));
  deadLetters(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', process.env.BUS_NAMESPACE || undefined, options).then(
    ({ letters, replayed }) => {
      for (const l of letters) console.log(`${l.sequence}\t${l.subject}\t${l.eventType}\t${l.eventId}\t${l.reason}`);
      console.log(
        `${letters.length} dead letter(s)${options.command === 'replay' ? `, ${replayed} replayed${options.keep ? ' (kept in the stream)' : ' and removed'}` : ''}`,
      );
    },
    (err: unknown) => {
      console.error(`dead-letters: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
