/**
 * The operations of the gateway's OpenAPI document, for suites that attack every one of them:
 * their JSON body's fields, their query parameters and their path parameters.
 */
import { platformServices } from '@repo/platform';
import type { Platform } from '../support';
import type { Json } from './hostile';

export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path with its parameters filled with a well-formed id. */
  path: string;
  template: string;
  /** Top-level fields of its JSON body, with their schemas. */
  bodyFields: Record<string, Json>;
  queryParameters: string[];
  pathParameters: string[];
  tags: string[];
}

const someId = '3f1c2a56-8f1e-4c59-9a53-3c5f0b1f8f11';

/** The body schema's properties, through a union (a body that may also be null) when there is one. */
function propertiesOf(schema: Json): Record<string, Json> {
  if (!schema) return {};
  if (schema.properties) return schema.properties;
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) if (branch?.properties) return branch.properties;
  return {};
}

/** The services of the platform's list none of whose tags an operation has: the suites would not attack them. */
export function servicesLeftOut(found: Operation[]): string[] {
  const tagged = new Set(found.flatMap((op) => op.tags));
  return platformServices.filter((service) => !service.tags.some((tag) => tagged.has(tag.name))).map((service) => service.name);
}

export async function operations(platform: Platform): Promise<Operation[]> {
  const document = (await (await fetch(`${platform.baseUrl}/docs/json`)).json()) as Json;
  const found: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters: Json[] = operation.parameters ?? [];
      found.push({
        method: method.toUpperCase() as Operation['method'],
        template,
        path: template.replace(/\{[^}]+\}/g, someId),
        bodyFields: propertiesOf(operation.requestBody?.content?.['application/json']?.schema),
        queryParameters: parameters.filter((p) => p.in === 'query').map((p) => p.name as string),
        pathParameters: parameters.filter((p) => p.in === 'path').map((p) => p.name as string),
        tags: operation.tags ?? [],
      });
    }
  }
  return found;
}
