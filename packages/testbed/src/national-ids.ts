/**
 * Synthetic citizen identity numbers for tests. The check character is computed here, on its
 * own, from GB 11643-1999 (ISO 7064 MOD 11-2), not by the code under test. The sequence digits
 * are arbitrary: these numbers belong to nobody.
 */
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkMap = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

export function checkCharacter(first17: string): string {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
  return checkMap[sum % 11] ?? '?';
}

/** A valid number from its first 17 digits. */
export function withCheck(first17: string): string {
  return first17 + checkCharacter(first17);
}

/**
 * A valid number for a birth date and gender: region, date, two sequence digits, then a gender
 * digit (1 male, 2 female; 0-9 when `genderDigit` is given), then the check character.
 */
export function syntheticId(
  birthDate: string,
  gender: 'male' | 'female',
  { region = '110105', sequence = '99', genderDigit }: { region?: string; sequence?: string; genderDigit?: number } = {},
): string {
  const digit = genderDigit ?? (gender === 'male' ? 1 : 2);
  return withCheck(`${region}${birthDate.replaceAll('-', '')}${sequence}${digit}`);
}

/** The same number with a wrong check character. */
export function withWrongCheck(id: string): string {
  const right = id.slice(17);
  const wrong = checkMap.find((c) => c !== right) ?? '0';
  return id.slice(0, 17) + wrong;
}
