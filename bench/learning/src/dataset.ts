/**
 * The province as the learning service learns it from the member service: cities of 5,000
 * members (county committees, street committees, branches of 50 below each), each member with a
 * sign-in account, some of them cadres. Ids are uuids, as the member service gives them.
 */
import { randomUUID } from 'node:crypto';
import type { AnnouncedOrganization } from '@repo/testbed';

export interface Node extends AnnouncedOrganization {
  city: number;
}

export type CadreLevel = '' | 'countyDivision' | 'townshipSection';

export interface Member {
  memberId: string;
  userId: string;
  branch: Node;
  cadreLevel: CadreLevel;
}

export interface Province {
  province: Node;
  cities: Node[];
  branches: Node[];
  /** Every node, parents before children (the order they are announced in). */
  all: Node[];
  members: Member[];
}

export interface Shape {
  members: number;
  /** Members per city: the report's subtree. */
  perCity: number;
  counties: number;
  streets: number;
  branches: number;
  /** Share of members who are cadres (the portrait's subjects), one in five of county/division level. */
  cadreShare: number;
}

export type Random = () => number;

/** A seeded stream (mulberry32): the same seed gives the same province shape and draws. */
export function randomStream(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = '一二三四五六七八九十';
const numeral = (n: number) => (n <= 10 ? digits[n - 1]! : `${n}`);

export function buildProvince(shape: Shape, random: Random): Province {
  const node = (name: string, kind: Node['kind'], parent: Node | undefined, city: number): Node => {
    const id = randomUUID();
    return { id, name, kind, path: `${parent?.path ?? '/'}${id}/`, city };
  };
  const province = node('中共江川省委', 'committee', undefined, -1);
  const all: Node[] = [province];
  const cities: Node[] = [];
  const branches: Node[] = [];
  const cityCount = Math.max(1, Math.ceil(shape.members / shape.perCity));
  for (let c = 0; c < cityCount; c++) {
    const city = node(`中共江川省第${numeral(c + 1)}市委`, 'committee', province, c);
    cities.push(city);
    all.push(city);
    for (let k = 0; k < shape.counties; k++) {
      const county = node(`${city.name.replace(/委$/, '')}第${numeral(k + 1)}县委`, 'committee', city, c);
      all.push(county);
      for (let s = 0; s < shape.streets; s++) {
        const street = node(`${county.name.replace(/委$/, '')}第${numeral(s + 1)}街道党工委`, 'committee', county, c);
        all.push(street);
        for (let b = 0; b < shape.branches; b++) {
          const branch = node(`${street.name.replace(/党工委$/, '')}第${numeral(b + 1)}社区党支部`, 'branch', street, c);
          all.push(branch);
          branches.push(branch);
        }
      }
    }
  }
  // Members fill the cities in turn: every city but perhaps the last holds `perCity`.
  const perBranch = Math.max(1, Math.round(shape.perCity / (shape.counties * shape.streets * shape.branches)));
  const members: Member[] = [];
  for (let i = 0; i < shape.members; i++) {
    const branch = branches[Math.floor(i / perBranch) % branches.length]!;
    const cadre = random() < shape.cadreShare;
    members.push({
      memberId: randomUUID(),
      userId: randomUUID(),
      branch,
      cadreLevel: cadre ? (random() < 0.2 ? 'countyDivision' : 'townshipSection') : '',
    });
  }
  return { province, cities, branches, all, members };
}

/** Fisher-Yates with the seeded stream: the order members study in. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
