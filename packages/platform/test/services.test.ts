import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addressVariable, listenVariable, platformServices } from '../src';

const root = join(__dirname, '../../..');

describe('the list of services', () => {
  test('names, ports and tags are unique', () => {
    const unique = <T>(values: T[]) => new Set(values).size === values.length;
    expect(unique(platformServices.map((s) => s.name))).toBe(true);
    expect(unique(platformServices.map((s) => s.port))).toBe(true);
    expect(unique(platformServices.flatMap((s) => s.tags.map((t) => t.name)))).toBe(true);
  });

  test.each(platformServices.map((s) => s.name))('%s has its folder, its main, its app and its gateway routes', (name) => {
    for (const file of [
      `services/${name}/src/main.ts`,
      `services/${name}/src/app.ts`,
      `services/${name}/src/config.ts`,
      `gateway/src/routes/${name}/index.ts`,
    ]) {
      expect(existsSync(join(root, file))).toBe(true);
    }
  });

  test('variables follow the service name', () => {
    expect(addressVariable('content')).toBe('CONTENT_ADDR');
    expect(listenVariable('member')).toBe('MEMBER_GRPC_ADDR');
  });
});
