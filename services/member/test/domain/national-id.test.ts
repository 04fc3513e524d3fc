import {
  maskNationalId,
  maskPhone,
  nationalIdCheckCharacter,
  parseNationalId,
  provinceCodes,
  type NationalId,
} from '../../src/domain/national-id';
import { checkCharacter, syntheticId, withCheck, withWrongCheck } from '../fixtures/national-ids';

const today = '2025-06-30';

function parsed(value: string, on = today): NationalId {
  const result = parseNationalId(value, on);
  if (typeof result === 'string') throw new Error(`expected a valid number, got: ${result}`);
  return result;
}

function problem(value: string, on = today): string {
  const result = parseNationalId(value, on);
  if (typeof result !== 'string') throw new Error(`expected a problem for ${value}`);
  return result;
}

describe('parseNationalId', () => {
  test('reads region, birth date and gender from a valid number', () => {
    const id = syntheticId('1990-01-01', 'male', { region: '440305' });
    expect(parsed(id)).toEqual({ normalized: id, birthDate: '1990-01-01', gender: 'male', regionCode: '440305' });
  });

  test('accepts the worked example of GB 11643-1999 (check character X)', () => {
    expect(parsed('11010519491231002X')).toEqual({
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'female',
      regionCode: '110105',
    });
  });

  test('normalises a lower-case x and surrounding spaces', () => {
    expect(parsed(' 11010519491231002x ').normalized).toBe('11010519491231002X');
  });

  test.each([
    [1, 'male'],
    [3, 'male'],
    [9, 'male'],
    [0, 'female'],
    [2, 'female'],
    [8, 'female'],
  ] as const)('digit 17 = %i means %s', (genderDigit, gender) => {
    expect(parsed(syntheticId('1985-05-05', 'male', { genderDigit })).gender).toBe(gender);
  });

  describe('length', () => {
    test.each([
      ['17 characters', '11010519491231002', 17],
      ['19 characters', '11010519491231002X1', 19],
      ['15-digit first-generation number', '110105491231002', 15],
    ])('%s is refused', (_label, value, got) => {
      expect(problem(value)).toBe(`length: must be 18 characters, not ${got}`);
    });

    test('blank is required', () => {
      expect(problem('   ')).toBe('is required');
    });
  });

  describe('characters', () => {
    test.each([
      ['X before the end', '1101051949123100X2'],
      ['a letter other than X', '11010519491231002Y'],
      ['a full-width digit', '１1010519491231002X'],
    ])('%s is refused', (_label, value) => {
      expect(problem(value)).toMatch(/^characters: /);
    });
  });

  describe('region', () => {
    test.each([...provinceCodes])('province %s is accepted', (province) => {
      expect(parsed(syntheticId('1980-01-01', 'female', { region: `${province}0102` })).regionCode).toBe(`${province}0102`);
    });

    test('exactly the listed province codes exist', () => {
      expect([...provinceCodes].sort()).toEqual([
        '11',
        '12',
        '13',
        '14',
        '15',
        '21',
        '22',
        '23',
        '31',
        '32',
        '33',
        '34',
        '35',
        '36',
        '37',
        '41',
        '42',
        '43',
        '44',
        '45',
        '46',
        '50',
        '51',
        '52',
        '53',
        '54',
        '61',
        '62',
        '63',
        '64',
        '65',
        '71',
        '81',
        '82',
      ]);
    });

    test.each(['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '83', '99'])(
      'first two digits %s are refused',
      (province) => {
        expect(problem(syntheticId('1980-01-01', 'female', { region: `${province}0102` }))).toBe(
          `region: ${province} is not a province-level region code`,
        );
      },
    );
  });

  describe('date', () => {
    test.each([
      ['30 February', '110105199002300012', '19900230'],
      ['29 February of a common year', withCheck('11010519900229001'), '19900229'],
      ['29 February 1900 (not a leap year)', withCheck('11010519000229001'), '19000229'],
      ['month 13', withCheck('11010519901301001'), '19901301'],
      ['day 00', withCheck('11010519900100001'), '19900100'],
    ])('%s is not a date', (_label, value, digits) => {
      expect(problem(value)).toBe(`date: ${digits} is not a calendar date`);
    });

    test('29 February of a leap year is a date', () => {
      expect(parsed(syntheticId('2000-02-29', 'male')).birthDate).toBe('2000-02-29');
    });

    test('born today is accepted, born tomorrow is in the future', () => {
      expect(parsed(syntheticId('2025-06-30', 'male')).birthDate).toBe('2025-06-30');
      expect(problem(syntheticId('2025-07-01', 'male'))).toBe('date: birth date 2025-07-01 is in the future');
    });

    test('the future is judged against the today passed in', () => {
      const id = syntheticId('2025-07-01', 'male');
      expect(parsed(id, '2025-07-01').birthDate).toBe('2025-07-01');
    });

    test('1900-01-01 is the earliest birth date', () => {
      expect(parsed(syntheticId('1900-01-01', 'male')).birthDate).toBe('1900-01-01');
      expect(problem(syntheticId('1899-12-31', 'male'))).toBe('date: birth date 1899-12-31 is before 1900-01-01');
    });
  });

  describe('checksum', () => {
    test('exactly one of the eleven check characters is accepted', () => {
      const first17 = '32010219870607993';
      const accepted = [...'0123456789X'].filter((c) => typeof parseNationalId(first17 + c, today) !== 'string');
      expect(accepted).toEqual([checkCharacter(first17)]);
    });

    test('a wrong check character is a checksum problem', () => {
      expect(problem(withWrongCheck(syntheticId('1990-01-01', 'male')))).toMatch(/^checksum: /);
    });

    test('one mistyped digit is a checksum problem', () => {
      const id = syntheticId('1990-01-01', 'male', { sequence: '34' });
      const typo = `${id.slice(0, 14)}43${id.slice(16)}`; // transposed sequence digits
      expect(problem(typo)).toMatch(/^checksum: /);
    });

    test('nationalIdCheckCharacter agrees with the standard for every remainder', () => {
      // Vary the last digit and the seventeenth-but-one to walk through all eleven remainders.
      const seen = new Set<string>();
      for (let n = 0; n < 200 && seen.size < 11; n++) {
        const first17 = `1101051990010${String(n).padStart(3, '0')}1`;
        expect(nationalIdCheckCharacter(first17)).toBe(checkCharacter(first17));
        seen.add(checkCharacter(first17));
      }
      expect(seen.size).toBe(11);
    });
  });

  test('a malformed today is a programming error', () => {
    expect(() => parseNationalId('11010519491231002X', '2025/06/30')).toThrow(RangeError);
  });
});

describe('masking', () => {
  test('a national ID keeps its first 3 and last 4 characters', () => {
    expect(maskNationalId('110105194912310014')).toBe('110***********0014');
    expect(maskNationalId('11010519491231002X')).toBe('110***********002X');
  });

  test('a phone keeps its first 3 and last 4 digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  test('values too short to mask partly are masked whole', () => {
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('12345678')).toBe('123*5678');
    expect(maskNationalId('')).toBe('');
  });
});
