import { credentialsFromMetadata, credentialsToMetadata } from '../src/identity';

test('credentials survive the trip through metadata', () => {
  const credentials = { assertion: 'eyJ.a.b', requestId: 'r-9' };
  expect(credentialsFromMetadata(credentialsToMetadata(credentials))).toEqual(credentials);
  expect(credentialsFromMetadata(credentialsToMetadata({ assertion: '' }))).toEqual({ assertion: '' });
});

test('a request id that is too long or not printable is dropped', () => {
  expect(credentialsFromMetadata(credentialsToMetadata({ assertion: 'x', requestId: 'r'.repeat(129) }))).toEqual({ assertion: 'x' });
  expect(credentialsFromMetadata(credentialsToMetadata({ assertion: 'x', requestId: 'a b' }))).toEqual({ assertion: 'x' });
});
