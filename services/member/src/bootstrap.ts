/**
 * `npm run bootstrap-admin -- --user <name>`: creates the first superAdmin. There is no default
 * account and no default password: the password comes from BOOTSTRAP_ADMIN_PASSWORD or is
 * typed at the prompt, and must pass the password policy. Refuses once a superAdmin exists.
 *
 * The account is written with its "created" event through an outbox relay of its own, which
 * publishes the event before the command ends: outboxes without a publisher are for tools that
 * only read, and an event left behind would wait for a running service's sweep.
 */
import { createInterface } from 'node:readline';
import { checkPasswordPolicy, hashPassword, rootOrgPath } from '@repo/access';
import { connectBus, ensureStream, EventPublisher, Outboxes } from '@repo/bus';
import { commonShape, loadConfig } from '@repo/config';
import { connectMongo } from '@repo/db';
import { createLogger } from '@repo/logging';
import { memberConfigShape } from './config';
import { UserRepository } from './store/users';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped in: the first line.
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) return line;
    return '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Hide what is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  process.stdout.write('password for the first administrator: ');
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main(): Promise<number> {
  const config = loadConfig(
    { ...commonShape, MONGO_URL: memberConfigShape.MONGO_URL, OUTBOX_SWEEP_MS: memberConfigShape.OUTBOX_SWEEP_MS },
    process.env,
  );
  const logger = createLogger('bootstrap', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const userName = argument('user') ?? 'admin';
  const displayName = argument('name') ?? '系统管理员';
  const password = process.env.BOOTSTRAP_ADMIN_PASSWORD ?? (await promptPassword());
  const problem = checkPasswordPolicy(password, { userName });
  if (problem) {
    process.stderr.write(`bootstrap-admin: password ${problem}\n`);
    return 2;
  }
  const connection = await connectMongo({ url: config.MONGO_URL, logger, connectTimeoutMs: 20_000 });
  const bus = await connectBus({
    url: config.NATS_URL,
    logger,
    name: 'bootstrap-admin',
    ...(config.BUS_NAMESPACE ? { namespace: config.BUS_NAMESPACE } : {}),
  });
  const outboxes = new Outboxes({ publisher: new EventPublisher(bus), logger, sweepMs: config.OUTBOX_SWEEP_MS });
  try {
    await ensureStream(bus, 'member');
    const users = new UserRepository(connection, outboxes);
    await outboxes.start();
    await users.store.model.init();
    if ((await users.countWithRole('superAdmin')) > 0) {
      process.stderr.write('bootstrap-admin: a superAdmin already exists; create further users through the API\n');
      return 3;
    }
    const user = await users.create({
      userName,
      displayName,
      passwordHash: await hashPassword(password),
      roles: ['superAdmin'],
      organizationId: '',
      orgPath: rootOrgPath,
      memberId: '',
      createdBy: 'bootstrap',
    });
    await outboxes.idle();
    process.stdout.write(`created superAdmin "${user.userName}" (${user.id}); sign in at POST /api/v1/auth/login\n`);
    return 0;
  } finally {
    await outboxes.stop();
    await bus.close();
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bootstrap-admin: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
