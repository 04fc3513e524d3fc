import { identityFromMetadata, identityToMetadata } from '../src/identity';

test('identity survives the trip through metadata', () => {
  const identity = { userId: 'u-1', roles: ['orgAdmin', 'secretary'], orgPath: '/1/7/42/', requestId: 'r-9' };
  expect(identityFromMetadata(identityToMetadata(identity))).toEqual(identity);
  expect(identityFromMetadata(identityToMetadata({}))).toEqual({ userId: '', roles: [], orgPath: '', requestId: '' });
});
