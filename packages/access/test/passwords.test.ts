import { DomainError } from '@repo/errors';
import { assertPasswordPolicy, checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from '../src';

const password = 'Correct-Horse-7';

describe('hashPassword / verifyPassword', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword(password);
  });

  test('stores the parameters with the salt and hash', () => {
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  test('round trip', async () => {
    await expect(verifyPassword(password, stored)).resolves.toBe(true);
  });

  test('a wrong password does not verify', async () => {
    await expect(verifyPassword('correct-horse-7', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  test('each hash has its own salt', async () => {
    const again = await hashPassword(password);
    expect(again).not.toBe(stored);
    expect(again.split('$')[4]).not.toBe(stored.split('$')[4]);
    await expect(verifyPassword(password, again)).resolves.toBe(true);
  });

  test('full-width input from a Chinese input method verifies the same', async () => {
    const fullWidth = 'Ｃｏｒｒｅｃｔ－Ｈｏｒｓｅ－７';
    await expect(verifyPassword(fullWidth, stored)).resolves.toBe(true);
  });

  test.each([
    '',
    'plain',
    '$2b$10$abcdefghijklmnopqrstuuLDHVfXG2lOG5SQnbQW0C5LruZ3rOrWy',
    'scrypt$16384$8$1$c2FsdA',
    'scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'scrypt$1048576$64$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'scrypt$16384$8$1$not base64!$AAAA',
    'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA',
  ])('an unknown or damaged format %# answers false, not an error', async (bad) => {
    await expect(verifyPassword(password, bad)).resolves.toBe(false);
    expect(needsRehash(bad)).toBe(true);
  });

  test('needsRehash flags other parameters only', async () => {
    expect(needsRehash(stored)).toBe(false);
    const cheaper = await hashPassword(password, { N: 1024, r: 8, p: 1, keyLength: 32 });
    await expect(verifyPassword(password, cheaper)).resolves.toBe(true);
    expect(needsRehash(cheaper)).toBe(true);
    expect(needsRehash(stored, { N: 32768, r: 8, p: 1, keyLength: 32 })).toBe(true);
  });
});

describe('checkPasswordPolicy', () => {
  test.each([
    ['Correct-Horse-7', undefined],
    ['correcthorse7!', undefined],
    ['CORRECT HORSE 7', undefined],
    ['党建学习平台2024abc', undefined],
    ['Aa1!Aa1!Aa1', 'password must be at least 12 characters'],
    ['党建Aa1!党建Aa1', 'password must be at least 12 characters'],
    ['Aa1!'.repeat(32) + 'x', 'password must be at most 128 characters'],
    ['correcthorsebattery', 'password must mix at least 3 of: lower case, upper case, digits, other characters'],
    ['correcthorse7', 'password must mix at least 3 of: lower case, upper case, digits, other characters'],
    ['123456789012', 'password must mix at least 3 of: lower case, upper case, digits, other characters'],
  ])('%j -> %s', (candidate, problem) => {
    expect(checkPasswordPolicy(candidate)).toBe(problem);
  });

  test('exactly 12 and 128 characters pass', () => {
    expect(checkPasswordPolicy('Aa1!Aa1!Aa1!')).toBeUndefined();
    expect(checkPasswordPolicy('Aa1!'.repeat(32))).toBeUndefined();
  });

  test('must not be or contain the user name, in any case', () => {
    expect(checkPasswordPolicy('ZhangSan2024!', { userName: 'zhangsan' })).toBe('password must not contain the user name');
    expect(checkPasswordPolicy('Zhangsan-2024', { userName: 'Zhangsan-2024' })).toBe('password must not contain the user name');
    expect(checkPasswordPolicy('Correct-Horse-7', { userName: 'zhangsan' })).toBeUndefined();
    // A one or two character name is too common a substring to ban.
    expect(checkPasswordPolicy('Correct-Horse-7', { userName: 'co' })).toBeUndefined();
  });

  test('assertPasswordPolicy answers a 400 naming the field', () => {
    let error: unknown;
    try {
      assertPasswordPolicy('short');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalidArgument', code: 'AUTH_PASSWORD_POLICY' });
    expect((error as DomainError).details).toHaveProperty('password');
  });
});
