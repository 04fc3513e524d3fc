import { BusNames } from '../src/naming';
import { createEvent, domainOf, isEnvelope } from '../src/envelope';

describe('bus names', () => {
  test('without a namespace', () => {
    const names = new BusNames();
    expect(names.subject('content.document.published')).toBe('content.document.published');
    expect(names.stream('content')).toBe('CONTENT');
    expect(names.deadLetterSubject('content', 'content-indexer')).toBe('dlq.content.content-indexer');
  });

  test('a namespace keeps test runs apart', () => {
    const names = new BusNames('t1a2');
    expect(names.subject('content.document.published')).toBe('t1a2.content.document.published');
    expect(names.domainSubjects('content')).toBe('t1a2.content.>');
    expect(names.stream('content')).toBe('T1A2_CONTENT');
    expect(names.eventType('t1a2.content.document.published')).toBe('content.document.published');
  });
});

describe('event envelope', () => {
  test('every event has an id, a time and its facts', () => {
    const event = createEvent({ type: 'content.document.created', actor: 'u-1', orgPath: '/1/', subjectId: 'd-1', data: { revision: 1 } });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.occurredAt)).not.toBeNaN();
    expect(isEnvelope(event)).toBe(true);
    expect(isEnvelope({ type: 'x' })).toBe(false);
    expect(domainOf(event.type)).toBe('content');
  });
});
