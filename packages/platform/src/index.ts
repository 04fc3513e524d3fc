/**
 * The platform's services, in one list. The gateway reads it for the addresses it calls, the
 * routes it mounts, its readiness check and its OpenAPI tags; `npm start` for the processes it
 * runs; the test platform for the services it builds. Adding a service is one entry here.
 */

export interface PlatformService {
  /** Folder services/<name>, package @repo/<name>, event domain <name>.*, gateway routes/<name>. */
  name: string;
  /** Where it listens locally (the default of <NAME>_GRPC_ADDR and the gateway's <NAME>_ADDR). */
  port: number;
  summary: string;
  /** The OpenAPI tags its REST routes use. */
  tags: readonly { name: string; description: string }[];
  /** Secrets it needs beyond every service's (npm start and the chart provide them). */
  secrets?: readonly 'AUTH_TOKEN_SECRET'[];
  /** Whether it uses Elasticsearch (npm start passes ELASTICSEARCH_URL). */
  search?: boolean;
}

export const platformServices: readonly PlatformService[] = [
  {
    name: 'content',
    port: 50051,
    summary: 'policy documents and articles, the editorial workflow, smart search',
    search: true,
    tags: [
      { name: 'documents', description: 'Policy documents (政策文件) and articles' },
      { name: 'workflow', description: 'Editorial workflow: draft -> inReview -> approved -> published -> withdrawn' },
      { name: 'search', description: 'Smart search across published documents' },
    ],
  },
  {
    name: 'member',
    port: 50052,
    summary: 'users and sign-in, the organisation tree, members, transfers, dues, meetings',
    secrets: ['AUTH_TOKEN_SECRET'],
    tags: [
      { name: 'auth', description: 'Sign in, refresh, sign out' },
      { name: 'users', description: 'User accounts and roles' },
      { name: 'organizations', description: 'The organisation tree: committee > generalBranch > branch > group' },
      { name: 'members', description: 'Party members and their development pipeline (党员发展)' },
      { name: 'dues', description: 'Party dues (党费), integer fen' },
      { name: 'transfers', description: 'Organisation relation transfers (组织关系转接)' },
      { name: 'meetings', description: 'Organisation life (三会一课) and quarterly compliance' },
    ],
  },
  {
    name: 'learning',
    port: 50053,
    summary: 'courses and class hours, the class-hour ledger, exams, cadre training records, study points, the cadre portrait',
    tags: [
      { name: 'courses', description: 'Courses of units and their class hours (学时)' },
      { name: 'study', description: 'Enrolment, units completed by doing them, attendance of offline sessions' },
      { name: 'ledger', description: 'The class-hour ledger per person and year, requirements, reports' },
      { name: 'learners', description: "Learners' posts, cadre levels and accounts" },
      { name: 'exams', description: 'Question banks, exams, papers, grading and anomaly flags' },
      { name: 'trainings', description: 'Cadre training records (干部培训档案) and duplicate training' },
      { name: 'points', description: 'Study points: opt-in, never an assessment basis' },
      { name: 'portraits', description: 'The cadre portrait (干部画像)' },
    ],
  },
  {
    name: 'feedback',
    port: 50054,
    summary: 'messages to leaders (网上群众路线): working-day deadlines, escalation, public replies, ratings, statistics',
    search: true,
    tags: [
      { name: 'messages', description: 'Messages to leaders (留言) and their public replies: write, follow, rate, read, search' },
      {
        name: 'message-handling',
        description: 'Staff handling of messages: accept, return, assign, dispute, reply, extend, merge, rectify, revisit',
      },
      { name: 'message-statistics', description: 'Reply, on-time, satisfaction and revisit rates by organisation, level and leader post' },
    ],
  },
  {
    name: 'supervision',
    port: 50055,
    summary: 'the verifiable audit log of every event, power lists, discipline cases and monthly notices, early warnings',
    tags: [
      { name: 'audit', description: 'The verifiable audit log (全程留痕): entries, checkpoints, proofs, exports' },
      { name: 'power lists', description: 'Power lists (权力清单): items, versions, recorded executions' },
      { name: 'discipline', description: 'Discipline cases (八项规定) and their decisions and influence periods' },
      { name: 'notices', description: 'Monthly (月报) and typical-case notices (典型问题通报)' },
      { name: 'warnings', description: 'Early warnings over the event stream, and their handling' },
    ],
  },
];

const variablePrefix = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The gateway's variable for where it finds the service, e.g. CONTENT_ADDR. */
export function addressVariable(name: string): string {
  return `${variablePrefix(name)}_ADDR`;
}

/** The service's variable for where it listens, e.g. CONTENT_GRPC_ADDR. */
export function listenVariable(name: string): string {
  return `${variablePrefix(name)}_GRPC_ADDR`;
}

export function defaultAddress(service: PlatformService): string {
  return `127.0.0.1:${service.port}`;
}

export function platformService(name: string): PlatformService {
  const service = platformServices.find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name} in the platform's list`);
  return service;
}
