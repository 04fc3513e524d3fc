/**
 * Stream and subject names, optionally under a namespace so parallel test runs (or tenants on a
 * shared NATS) never see each other's events.
 */
export class BusNames {
  constructor(readonly namespace?: string) {}

  subject(eventType: string): string {
    return this.namespace ? `${this.namespace}.${eventType}` : eventType;
  }

  /** Stream that holds every event of a domain, e.g. CONTENT for content.> */
  stream(domain: string): string {
    const base = domain.toUpperCase();
    return this.namespace ? `${this.namespace.toUpperCase()}_${base}` : base;
  }

  domainSubjects(domain: string): string {
    return this.subject(`${domain}.>`);
  }

  /** Where a consumer's poison messages go after the last delivery. */
  deadLetterSubject(domain: string, durable: string): string {
    return this.subject(`dlq.${domain}.${durable}`);
  }

  deadLetterStream(): string {
    return this.stream('dlq');
  }

  /** Event type from a subject, namespace removed. */
  eventType(subject: string): string {
    return this.namespace && subject.startsWith(`${this.namespace}.`) ? subject.slice(this.namespace.length + 1) : subject;
  }
}
