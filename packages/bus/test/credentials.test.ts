import { withoutCredentials } from '../src/connection';

test('a NATS server address loses the user and password it carries, and only them', () => {
  expect(withoutCredentials('nats://gateway:s3cr3t@nats-0.nats:4222')).toBe('nats://nats-0.nats:4222');
  expect(withoutCredentials('tls://user:p/a:ss@nats.example:4222')).toBe('tls://nats.example:4222');
  expect(withoutCredentials(' token@127.0.0.1:4222')).toBe('127.0.0.1:4222');
  expect(withoutCredentials('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  expect(withoutCredentials('127.0.0.1:4222')).toBe('127.0.0.1:4222');
});
