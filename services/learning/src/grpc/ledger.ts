/** LedgerService over gRPC. */
import { validationFailed } from '@repo/errors';
import { defineService, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import { reportPaging, type LedgerUseCases } from '../ledger/use-cases';
import {
  conversionTableFromProto,
  requirementSetFromProto,
  toProtoConversionTable,
  toProtoLedger,
  toProtoReport,
  toProtoRequirementSet,
} from './mapping';

export const ledgerServiceName = 'learning.v1.LedgerService';

/** The year a request names; 0 (left out) is this year in the province, which the use case knows. */
export function yearOf(request: { year: number }): number {
  if (request.year === 0) return 0;
  if (!Number.isInteger(request.year) || request.year < 2000 || request.year > 2100)
    throw validationFailed([{ field: 'year', problem: 'must be a year from 2000 to 2100' }]);
  return request.year;
}

export function ledgerService(ledger: LedgerUseCases): ServiceRegistration {
  return defineService(ledgerServiceName, pb.LedgerServiceService, {
    getLedger: async (request, { caller }) => ({ ledger: toProtoLedger(await ledger.ledger(caller, request.memberId, yearOf(request))) }),

    getHoursReport: async (request, { caller }) => {
      const page = pageOf(request, reportPaging);
      return toProtoReport(await ledger.report(caller, request.organizationId, yearOf(request), page.page, page.size), page);
    },

    listConversionTables: async (_request, { caller }) => ({ tables: (await ledger.listTables(caller)).map(toProtoConversionTable) }),

    addConversionTable: async (request, { caller }) => ({
      table: toProtoConversionTable(await ledger.addTable(caller, conversionTableFromProto(request.table))),
    }),

    listRequirementSets: async (_request, { caller }) => ({ sets: (await ledger.listSets(caller)).map(toProtoRequirementSet) }),

    addRequirementSet: async (request, { caller }) => ({
      set: toProtoRequirementSet(await ledger.addSet(caller, requirementSetFromProto(request.set))),
    }),
  });
}
