import { inCallerScope, inScope, isValidOrgPath, scopeFilterPrefix, scopeRange, scopesCovering, type Caller } from '../src';

const caller = (orgPath: string, ...roles: string[]): Caller => ({ userId: 'u1', roles, orgPath });

describe('isValidOrgPath', () => {
  test.each(['/', '/a1/', '/a1/b7/c42/', '/党委1/支部 2/'])('%j is valid', (path) => {
    expect(isValidOrgPath(path)).toBe(true);
  });
  test.each(['', 'a1/', '/a1', '//', '/a1//b7/', 'a1', '/a1/b7'])('%j is not', (path) => {
    expect(isValidOrgPath(path)).toBe(false);
  });
});

describe('inScope', () => {
  test('own node and below', () => {
    expect(inScope('/a1/b7/', '/a1/b7/')).toBe(true);
    expect(inScope('/a1/b7/', '/a1/b7/c42/')).toBe(true);
    expect(inScope('/a1/b7/', '/a1/b7/c42/d9/')).toBe(true);
  });

  test('never the parent, a sibling, or a node whose id merely starts the same', () => {
    expect(inScope('/a1/b7/', '/a1/')).toBe(false);
    expect(inScope('/a1/b7/', '/a1/b8/')).toBe(false);
    expect(inScope('/a1/b7/', '/a1/b70/')).toBe(false);
    expect(inScope('/a1/b7/', '/a1/b70/c1/')).toBe(false);
  });

  test('the root covers every valid path', () => {
    expect(inScope('/', '/a1/')).toBe(true);
    expect(inScope('/', '/')).toBe(true);
  });

  test('an empty or malformed path on either side matches nothing', () => {
    expect(inScope('', '/a1/')).toBe(false);
    expect(inScope('/a1', '/a1/b7/')).toBe(false);
    expect(inScope('/a1/', '')).toBe(false);
    expect(inScope('/a1/', '/a1/b7')).toBe(false);
  });
});

describe('scopeFilterPrefix', () => {
  test('a superAdmin sees from the root whatever their node', () => {
    expect(scopeFilterPrefix(caller('', 'superAdmin'))).toBe('/');
    expect(scopeFilterPrefix(caller('/a1/', 'superAdmin'))).toBe('/');
  });

  test('anyone else sees from their own node', () => {
    expect(scopeFilterPrefix(caller('/a1/b7/', 'secretary'))).toBe('/a1/b7/');
  });

  test('an empty, malformed or root path gives no scope, never everything', () => {
    expect(scopeFilterPrefix(caller('', 'orgAdmin'))).toBeUndefined();
    expect(scopeFilterPrefix(caller('/a1', 'orgAdmin'))).toBeUndefined();
    expect(scopeFilterPrefix(caller('/', 'orgAdmin'))).toBeUndefined();
    expect(inCallerScope(caller('', 'orgAdmin'), '/a1/')).toBe(false);
  });

  test('anonymous callers have no scope', () => {
    expect(scopeFilterPrefix({ userId: '', roles: ['superAdmin'], orgPath: '/' })).toBeUndefined();
  });

  test('inCallerScope applies the caller scope', () => {
    expect(inCallerScope(caller('/a1/', 'inspector'), '/a1/b7/')).toBe(true);
    expect(inCallerScope(caller('/a1/', 'inspector'), '/a2/')).toBe(false);
    expect(inCallerScope(caller('', 'superAdmin'), '/a2/')).toBe(true);
  });
});

describe('scopeRange', () => {
  test('bounds exactly the paths under the prefix', () => {
    const { gte, lt } = scopeRange('/a1/b7/');
    const within = (path: string) => path >= gte && path < lt;
    expect(within('/a1/b7/')).toBe(true);
    expect(within('/a1/b7/c42/')).toBe(true);
    expect(within('/a1/b7/~~/')).toBe(true);
    expect(within('/a1/b70/')).toBe(false);
    expect(within('/a1/b7-/')).toBe(false);
    expect(within('/a1/b6/')).toBe(false);
    expect(within('/a1/')).toBe(false);
  });

  test('refuses a malformed prefix', () => {
    expect(() => scopeRange('')).toThrow(RangeError);
  });
});

describe('scopesCovering', () => {
  test('lists the root and every node down to the path itself', () => {
    expect(scopesCovering('/a1/b7/c42/')).toEqual(['/', '/a1/', '/a1/b7/', '/a1/b7/c42/']);
    expect(scopesCovering('/')).toEqual(['/']);
  });

  test('agrees with inScope for every scope it lists and for siblings it leaves out', () => {
    const path = '/a1/b7/c42/';
    for (const scope of scopesCovering(path)) expect(inScope(scope, path)).toBe(true);
    for (const other of ['/a1/b70/', '/a1/b7/c4/', '/a2/']) expect(scopesCovering(path)).not.toContain(other);
  });

  test('refuses a malformed path', () => {
    expect(() => scopesCovering('a1/')).toThrow(RangeError);
    expect(() => scopesCovering('')).toThrow(RangeError);
  });
});
