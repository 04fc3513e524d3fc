/**
 * Bulk import of members: read the file, validate every row, check what only the store knows
 * (organisations in scope, national ID numbers already recorded), then import all or nothing
 * unless the caller asks for the valid rows alone.
 */
import { authorize, inCallerScope, scopeOf, type Caller } from '@repo/access';
import { validationFailed } from '@repo/errors';
import { mergeImportReports, validateImportRows, withRowErrors, type ImportRowError, type ImportWarning } from '../domain/import';
import { branchLevelKinds, type Organization } from '../domain/organization';
import { parseMemberFile, type MemberFileFormat } from '../files/member-file';
import type { MemberStores } from '../store';
import type { NewMember } from '../store/members';
import type { OrganizationRepository } from '../store/organizations';
import { assertMinimumAge, initialHistory, today } from './records';

/** Row errors an answer lists; a file of 100,000 bad rows is told by its count, not in full. */
export const listedImportErrors = 200;

export interface ImportRequest {
  file: Buffer;
  /** undefined when the caller named no known format. */
  format: MemberFileFormat | undefined;
  /** Only report, import nothing. */
  dryRun: boolean;
  /** Import the valid rows even when others are invalid. */
  importValidOnly: boolean;
}

export interface ImportOutcome {
  rows: number;
  imported: number;
  invalidRows: number;
  /** The first errors by line (at most listedImportErrors); errorCount says how many there are. */
  errors: ImportRowError[];
  errorCount: number;
  warnings: ImportWarning[];
}

/**
 * Organisations by id or code, for the references of an import file. A few are looked up one by
 * one; more (a province's file names thousands of branches) are read with the caller's whole
 * subtree in one query, which also leaves out whatever is not in scope.
 */
export async function organizationResolver(
  organizations: Pick<OrganizationRepository, 'find' | 'findByCode' | 'subtree'>,
  caller: Caller,
  refs: Set<string>,
  oneByOneUpTo = 50,
): Promise<(ref: string) => Organization | null> {
  const found = new Map<string, Organization>();
  if (refs.size <= oneByOneUpTo) {
    for (const ref of refs) {
      const org = (await organizations.find(ref)) ?? (await organizations.findByCode(ref));
      if (org) found.set(ref, org);
    }
  } else {
    for (const org of await organizations.subtree(scopeOf(caller))) {
      found.set(org.id, org);
      if (org.code) found.set(org.code, org);
    }
  }
  return (ref) => found.get(ref) ?? null;
}

export class MemberImport {
  constructor(private readonly stores: Pick<MemberStores, 'members' | 'organizations'>) {}

  async run(caller: Caller, request: ImportRequest): Promise<ImportOutcome> {
    authorize(caller, 'member.import');
    if (!request.format) throw validationFailed([{ field: 'format', problem: 'must be csv or xlsx' }]);
    if (request.file.length === 0) throw validationFailed([{ field: 'file', problem: 'is empty' }]);
    const { members, organizations } = this.stores;
    const file = await parseMemberFile(request.file, request.format);
    const report = validateImportRows(file, today());

    const rowErrors: ImportRowError[] = [];
    const resolve = await organizationResolver(organizations, caller, new Set(report.valid.map((v) => v.profile.organizationId)));
    const existing = await members.existingNationalIds(report.valid.map((v) => v.profile.nationalId));
    const rows: { line: number; member: NewMember }[] = [];
    for (const { line, profile } of report.valid) {
      const org = resolve(profile.organizationId);
      if (!org || !inCallerScope(caller, org.path)) {
        rowErrors.push({ line, field: 'organizationId', problem: `no organisation ${profile.organizationId} in your scope` });
        continue;
      }
      if (!branchLevelKinds.includes(org.kind)) {
        rowErrors.push({ line, field: 'organizationId', problem: `${org.name} is a ${org.kind}; members belong to a branch` });
        continue;
      }
      if (existing.has(profile.nationalId)) {
        rowErrors.push({ line, field: 'nationalId', problem: 'a member with this national ID number is already recorded' });
        continue;
      }
      try {
        assertMinimumAge(profile, caller.userId);
      } catch (err) {
        rowErrors.push({ line, field: 'keyDates.applicationDate', problem: (err as Error).message });
        continue;
      }
      rows.push({
        line,
        member: {
          ...profile,
          organizationId: org.id,
          orgPath: org.path,
          duesCategory: 'inService',
          duesIncomeFen: 0,
          history: initialHistory(profile, caller.userId),
          probationExtensions: 0,
          createdBy: caller.userId,
        },
      });
    }
    const final = rowErrors.length ? withRowErrors(report, rowErrors) : mergeImportReports(report);
    const validLines = new Set(final.valid.map((v) => v.line));
    const invalidLines = new Set(final.errors.map((e) => e.line));
    const proceed = !request.dryRun && (invalidLines.size === 0 || request.importValidOnly);
    const imported = proceed ? await members.createMany(rows.filter((r) => validLines.has(r.line)).map((r) => r.member)) : 0;
    return {
      rows: file.rows.length,
      imported,
      invalidRows: invalidLines.size,
      errors: final.errors.slice(0, listedImportErrors),
      errorCount: final.errors.length,
      warnings: final.warnings,
    };
  }
}
