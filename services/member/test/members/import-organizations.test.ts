import type { Caller } from '@repo/access';
import type { Organization } from '../../src/domain/organization';
import { organizationResolver } from '../../src/members/import';

const node = (id: string, path: string, code = ''): Organization =>
  ({
    id,
    name: id,
    kind: 'branch',
    parentId: '',
    path,
    depth: path.split('/').length - 2,
    code,
    createdAt: '',
    updatedAt: '',
    createdBy: '',
    revision: 1,
  }) as Organization;

const tree = [node('p', '/p/'), node('c1', '/p/c1/'), node('b1', '/p/c1/b1/', 'B1'), node('b2', '/p/c1/b2/'), node('q', '/q/', 'Q')];

/** The organisation store's lookups over `tree`, counting the queries. */
function store() {
  const calls = { find: 0, findByCode: 0, subtree: 0 };
  return {
    calls,
    find: async (id: string) => (calls.find++, tree.find((o) => o.id === id) ?? null),
    findByCode: async (code: string) => (calls.findByCode++, tree.find((o) => o.code !== '' && o.code === code) ?? null),
    subtree: async (path: string) => (calls.subtree++, tree.filter((o) => o.path.startsWith(path))),
  };
}

const cityAdmin: Caller = { userId: 'u', roles: ['orgAdmin'], orgPath: '/p/c1/' };
const refs = new Set(['b1', 'B1', 'q', 'Q', 'nope']);

test('a few references are looked up one by one, by id and then by code', async () => {
  const organizations = store();
  const resolve = await organizationResolver(organizations, cityAdmin, refs);
  expect(['b1', 'B1', 'q', 'Q', 'nope'].map((ref) => resolve(ref)?.id ?? null)).toEqual(['b1', 'b1', 'q', 'q', null]);
  expect(organizations.calls.subtree).toBe(0);
});

test("many references are answered from one read of the caller's subtree, which leaves out what is not in scope", async () => {
  const organizations = store();
  const resolve = await organizationResolver(organizations, cityAdmin, refs, 2);
  expect(['b1', 'B1', 'b2', 'q', 'Q', 'nope'].map((ref) => resolve(ref)?.id ?? null)).toEqual(['b1', 'b1', 'b2', null, null, null]);
  expect(organizations.calls).toEqual({ find: 0, findByCode: 0, subtree: 1 });
});
