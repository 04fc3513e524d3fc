/**
 * What the console's pages of rule data share (conversion tables, requirement sets, points
 * rules): the versions listed, the one in force marked, a new version added with the service's
 * problems under the fields they name, in words.
 */
import { computed, ref, shallowRef } from 'vue';
import { ApiError, describeError, fieldProblems } from './http';
import { versionOn, type RuleVersion } from './learning';
import { provinceToday } from '../text';

/** The refusals of a new version that are about one of its fields. */
const fieldOfRefusal: Record<string, string> = {
  LEARNING_RULES_VERSION_TAKEN: 'version',
  LEARNING_RULES_DATE_TAKEN: 'effectiveFrom',
  LEARNING_RULES_RETROACTIVE: 'effectiveFrom',
};

/**
 * A field as the form names it: the gateway checks REST's names (`onlineBands[0].hours`), the
 * service its own (`onlineBands[0].quarterHours`, `rules[0].minimumQuarterHours`).
 */
const restName = (field: string) => field.replace(/minimumQuarterHours$/, 'minimum').replace(/quarterHours$/, 'hours');

/** A problem in words: those every rule form meets; a field's own words win; else the service's text. */
function inWords(field: string, problem: string, own: Record<string, string>): string {
  const last =
    field
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? field;
  if (own[last]) return own[last];
  if (/multiple of 0\.25|quarter-hours/.test(problem)) return '学时须为 0.25 的整数倍（按刻计）';
  if (problem === 'is required') return '必填';
  if (last === 'version') return '版本号为 1 至 40 位字母、数字、点、横线或下划线，以字母或数字开头';
  if (last === 'effectiveFrom' && /pattern|calendar date/.test(problem)) return '请填写日期（YYYY-MM-DD）';
  const bound = /^must be (>=|<=) (\d+(?:\.\d+)?)$/.exec(problem);
  if (bound) return bound[1] === '>=' ? `不能小于 ${bound[2]}` : `不能大于 ${bound[2]}`;
  if (/fewer than 1 items|at least one/.test(problem)) return '至少填写一项';
  if (/appears twice/.test(problem)) return '重复了';
  return problem;
}

export interface RuleVersionsOptions<T extends RuleVersion, D> {
  list(): Promise<{ items: T[] }>;
  add(draft: D): Promise<T>;
  /** The day whose version is in force (a requirement set: 1 January of this year). */
  inForceOn: string;
  /** Why a date before today is refused, in this kind's words. */
  retroactive: string;
  /** The words of problems by field name (its last part), over the common ones. */
  words?: Record<string, string>;
}

export function useRuleVersions<T extends RuleVersion, D>(options: RuleVersionsOptions<T, D>) {
  const versions = shallowRef<T[]>([]);
  const error = ref('');
  const problems = ref<Record<string, string>>({});
  const formError = ref('');
  const inForce = computed(() => versionOn(versions.value, options.inForceOn));
  /** Newest first: the one to come, then the one in force, then the history. */
  const shown = computed(() => [...versions.value].reverse());

  async function load(): Promise<void> {
    error.value = '';
    try {
      versions.value = (await options.list()).items;
    } catch (err) {
      error.value = describeError(err);
    }
  }

  function refusalWords(err: ApiError): string {
    if (err.code === 'LEARNING_RULES_VERSION_TAKEN') return '该版本号已有，请另取一个';
    if (err.code === 'LEARNING_RULES_DATE_TAKEN') return '这一天已有版本生效，请另选日期';
    return options.retroactive;
  }

  /** Adds the version; its problems under their fields when refused (and nothing added). */
  async function save(draft: D): Promise<T | undefined> {
    problems.value = {};
    formError.value = '';
    try {
      const added = await options.add(draft);
      await load();
      return added;
    } catch (err) {
      const field = err instanceof ApiError ? fieldOfRefusal[err.code] : undefined;
      const found = field
        ? { [field]: refusalWords(err as ApiError) }
        : Object.fromEntries(
            Object.entries(fieldProblems(err)).map(([name, problem]) => [restName(name), inWords(name, problem, options.words ?? {})]),
          );
      problems.value = found;
      formError.value = Object.keys(found).length ? '请按提示修改后再保存' : describeError(err);
      return undefined;
    }
  }

  /** Where a version stands today: in force, still to come, or replaced by a later one. */
  const stateOf = (v: RuleVersion): { label: string; tone: string } =>
    v.version === inForce.value?.version
      ? { label: '现行', tone: 'good' }
      : v.effectiveFrom > options.inForceOn
        ? { label: '待生效', tone: 'info' }
        : { label: '已停用', tone: '' };

  const problemOf = (field: string) => problems.value[field] ?? '';
  /** Problems of fields a form shows nowhere (or of the version as a whole). */
  const otherProblems = (shownFields: readonly string[]) =>
    Object.entries(problems.value)
      .filter(([field]) => !shownFields.includes(field))
      .map(([, problem]) => problem);

  return { versions, shown, inForce, stateOf, error, problems, formError, load, save, problemOf, otherProblems };
}

/** For a date picker: its days are the browser's midnights, and a day before today cannot take effect. */
export const beforeToday = (day: Date) =>
  `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}` < provinceToday();
