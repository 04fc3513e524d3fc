import { enumCodec } from '../enum-codec';

enum Status {
  STATUS_UNSPECIFIED = 'STATUS_UNSPECIFIED',
  STATUS_IN_REVIEW = 'STATUS_IN_REVIEW',
  STATUS_PUBLISHED = 'STATUS_PUBLISHED',
}

describe('enumCodec', () => {
  const codec = enumCodec<Status>(Status, 'STATUS_');

  test('maps proto values to camelCase words and back', () => {
    expect(codec.values).toEqual(['inReview', 'published']);
    expect(codec.fromProto(Status.STATUS_IN_REVIEW)).toBe('inReview');
    expect(codec.toProto('published')).toBe(Status.STATUS_PUBLISHED);
  });

  test('UNSPECIFIED, empty and unknown values', () => {
    expect(codec.fromProto(Status.STATUS_UNSPECIFIED)).toBeUndefined();
    expect(codec.fromProto('STATUS_NOPE')).toBeUndefined();
    expect(codec.toProto('')).toBe(Status.STATUS_UNSPECIFIED);
    expect(codec.toProto('nope')).toBe(Status.STATUS_UNSPECIFIED);
  });
});
