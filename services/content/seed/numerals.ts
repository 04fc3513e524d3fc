/** Chinese numerals for section and article numbering (一、十二、第二十三条). */
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export function chineseNumeral(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 999) {
    throw new RangeError(`chineseNumeral supports 0–999, got ${value}`);
  }
  if (value < 10) return DIGITS[value] as string;
  if (value < 20) return `十${value % 10 === 0 ? '' : DIGITS[value % 10]}`;
  if (value < 100) {
    const tens = DIGITS[Math.floor(value / 10)] as string;
    return `${tens}十${value % 10 === 0 ? '' : DIGITS[value % 10]}`;
  }
  const hundreds = `${DIGITS[Math.floor(value / 100)]}百`;
  const rest = value % 100;
  if (rest === 0) return hundreds;
  if (rest < 10) return `${hundreds}零${DIGITS[rest]}`;
  // 一百一十二, not 一百十二.
  return `${hundreds}${rest < 20 ? `一${chineseNumeral(rest)}` : chineseNumeral(rest)}`;
}
