/**
 * ts-proto string enums (DOCUMENT_STATUS_IN_REVIEW) <-> the camelCase words used in the domain
 * and in REST (inReview). One codec per enum, derived from the generated enum object, so a new
 * enum value needs no hand-written mapping.
 */
export interface EnumCodec<P extends string, D extends string = string> {
  /** Domain words, without UNSPECIFIED. */
  readonly values: D[];
  toProto(value: D | '' | undefined): P;
  /** undefined for UNSPECIFIED or an unknown value. */
  fromProto(value: P | string | undefined): D | undefined;
}

function camel(words: string): string {
  return words.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function enumCodec<P extends string, D extends string = string>(
  enumObject: Record<string, P | number>,
  prefix: string,
): EnumCodec<P, D> {
  const protoValues = Object.values(enumObject).filter((v): v is P => typeof v === 'string' && v.startsWith(prefix));
  const unspecified = `${prefix}UNSPECIFIED` as P;
  const byWord = new Map<string, P>();
  const byProto = new Map<string, D>();
  for (const proto of protoValues) {
    if (proto === unspecified) continue;
    const word = camel(proto.slice(prefix.length)) as D;
    byWord.set(word, proto);
    byProto.set(proto, word);
  }
  return {
    values: [...byWord.keys()] as D[],
    toProto: (value) => (value ? (byWord.get(value) ?? unspecified) : unspecified),
    fromProto: (value) => (value ? byProto.get(value) : undefined),
  };
}
