/** Invented towns, villages and people inside the fictional province. */
import { CITIES, type City, type County } from './geography';
import { GIVEN_NAMES, SURNAMES } from './phrases';
import type { SeededRandom } from './random';

const PLACE_FIRST = [
  '石',
  '桃',
  '柳',
  '杏',
  '青',
  '金',
  '白',
  '红',
  '新',
  '丰',
  '龙',
  '凤',
  '松',
  '竹',
  '梅',
  '兰',
  '云',
  '清',
  '长',
  '安',
];
const PLACE_SECOND = ['岭', '源', '塘', '花', '山', '坪', '溪', '湾', '桥', '庄', '岗', '坝', '林', '田', '冲', '河'];

function placeStem(rng: SeededRandom): string {
  return rng.pick(PLACE_FIRST) + rng.pick(PLACE_SECOND);
}

export function townName(rng: SeededRandom): string {
  return (
    placeStem(rng) +
    rng.weighted([
      ['镇', 4],
      ['乡', 1],
      ['街道', 1.5],
    ] as const)
  );
}

export function villageName(rng: SeededRandom): string {
  return (
    placeStem(rng) +
    rng.weighted([
      ['村', 4],
      ['社区', 1.5],
    ] as const)
  );
}

export interface CountyPlace {
  city: City;
  county: County;
  /** 临江市望川县 */
  label: string;
}

export function randomCountyPlace(rng: SeededRandom, withinCity?: City): CountyPlace {
  const city = withinCity ?? rng.pick(CITIES);
  const county = rng.pick(city.counties);
  return { city, county, label: `${city.name}${county.name}` };
}

export function cityByName(name: string): City | undefined {
  return CITIES.find((city) => name.startsWith(city.name));
}

/** Placeholder names in the style of disciplinary bulletins: 张某某, 李某. */
export function placeholderPerson(rng: SeededRandom): string {
  return rng.pick(SURNAMES) + (rng.chance(0.75) ? '某某' : '某');
}

/** An invented person for feature stories. */
export function inventedPerson(rng: SeededRandom): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES);
}
