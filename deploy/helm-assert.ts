/**
 * Assertions on the objects `deploy/helm-check.sh` rendered and decoded (one JSON object a line in
 * <work>/<render>.jsonl), checked against the platform's list of services
 * (packages/platform/src/index.ts): the chart deploys every listed service and the gateway, with
 * the ports, probes, drain, caller keys, secrets and network paths each one needs. Prints one
 * `ok`/`FAIL` line per check, like helm-check.sh; exits 1 when any failed.
 *
 *   npx tsx deploy/helm-assert.ts <work dir> <caller.pub> <next.pub>
 *
 * Release name `t`, as helm-check.sh renders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressVariable, listenVariable, platformServices } from '../packages/platform/src/index';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Kubernetes objects, walked as JSON */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };
type Peer = Record<string, any>;
type Rule = { to?: Peer[]; from?: Peer[]; ports?: { port: number; protocol?: string }[] };

const [work, callerPubFile, nextPubFile] = process.argv.slice(2);
if (!work || !callerPubFile || !nextPubFile) {
  process.stderr.write('usage: helm-assert.ts <work dir> <caller.pub> <next.pub>\n');
  process.exit(2);
}
const callerPub = readFileSync(callerPubFile, 'utf8').trim();
const nextPub = readFileSync(nextPubFile, 'utf8').trim();

function load(render: string): K8sObject[] {
  return readFileSync(join(work!, `${render}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as K8sObject);
}

let failures = 0;
function check(name: string, body: () => void): void {
  try {
    body();
    process.stdout.write(`ok    ${name}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`FAIL  ${name}\n${String((err as Error).message).replace(/^/gm, '      ')}\n`);
  }
}
function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
/** JSON with the keys of every object sorted, so two objects compare by content alone. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
function same(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  expect(a === e, `${what}: ${a}, expected ${e}`);
}

const of = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `no ${kind} ${name}`);
  return found;
};
const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envFrom = (deployment: K8sObject, name: string) => (container(deployment).env ?? []).find((e: { name: string }) => e.name === name);
const configOf = (objects: K8sObject[], service: string) => named(objects, 'ConfigMap', `t-${service}`).data as Record<string, string>;
const serviceOf = (deployment: K8sObject) => deployment.metadata.labels?.['app.kubernetes.io/name'] ?? '';

const listed = platformServices.map((s) => s.name);
const expectedDeployments = [...listed, 'gateway'].sort();

const renders = {
  default: load('default'),
  all: load('all'),
  dev: load('dev'),
  keda: load('keda'),
  stores: load('stores'),
  scaled: load('scaled'),
  fixed: load('fixed'),
  open: load('open'),
  k124: load('k124'),
};

// --- The services map covers the platform's list ------------------------------------------------
check(`default: the enabled services are packages/platform's list plus the gateway (${expectedDeployments.join(', ')})`, () => {
  same(of(renders.default, 'Deployment').map(serviceOf).sort(), expectedDeployments, 'Deployments');
  for (const kind of ['Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceAccount']) {
    same(
      of(renders.default, kind)
        .map((o) => o.metadata.name)
        .sort(),
      expectedDeployments.map((n) => `t-${n}`),
      `${kind}s`,
    );
  }
});
check('default: each listed service listens on its platform port, and the gateway calls every one there', () => {
  const gateway = configOf(renders.default, 'gateway');
  for (const service of platformServices) {
    const deployment = named(renders.default, 'Deployment', `t-${service.name}`);
    same(
      container(deployment).ports.map((p: { containerPort: number }) => p.containerPort),
      [service.port],
      `${service.name} container port`,
    );
    same(
      configOf(renders.default, service.name)[listenVariable(service.name)],
      `0.0.0.0:${service.port}`,
      `${service.name} ${listenVariable(service.name)}`,
    );
    same(gateway[addressVariable(service.name)], `t-${service.name}:${service.port}`, `gateway ${addressVariable(service.name)}`);
  }
  const calls = Object.keys(gateway)
    .filter((key) => /_ADDR$/.test(key))
    .sort();
  same(calls, listed.map(addressVariable).sort(), "the gateway's *_ADDR variables");
});
check('all six: every entry of the map has its own port', () => {
  const ports = of(renders.all, 'Deployment').map((d) => container(d).ports[0].containerPort);
  same(new Set(ports).size, ports.length, `distinct ports among ${ports.join(', ')}`);
  same(of(renders.all, 'Deployment').length, 6, 'Deployments');
});
check('default: ELASTICSEARCH_URL exactly for the services with search: true in packages/platform', () => {
  for (const name of expectedDeployments) {
    const wants = platformServices.find((s) => s.name === name)?.search === true;
    same('ELASTICSEARCH_URL' in configOf(renders.default, name), wants, `${name} has ELASTICSEARCH_URL`);
  }
});
check('default: AUTH_TOKEN_SECRET from the auth Secret exactly for the gateway and the services that list it', () => {
  for (const deployment of of(renders.default, 'Deployment')) {
    const name = serviceOf(deployment);
    const wants = name === 'gateway' || platformServices.find((s) => s.name === name)?.secrets?.includes('AUTH_TOKEN_SECRET') === true;
    const entry = envFrom(deployment, 'AUTH_TOKEN_SECRET');
    same(Boolean(entry), wants, `${name} reads AUTH_TOKEN_SECRET`);
    if (entry)
      same(entry.valueFrom.secretKeyRef, { name: 'partybuilding-auth', key: 'AUTH_TOKEN_SECRET' }, `${name} AUTH_TOKEN_SECRET source`);
  }
});

// --- Pods: probes, resources, drain ----------------------------------------------------------------
for (const render of ['default', 'all'] as const) {
  check(
    `${render}: every Deployment has startup, liveness and readiness probes, requests and a memory limit, a preStop sleep inside its grace period`,
    () => {
      for (const deployment of of(renders[render], 'Deployment')) {
        const name = serviceOf(deployment);
        const c = container(deployment);
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          expect(c[probe], `${name}: no ${probe}`);
          if (c[probe].grpc) same(c[probe].grpc.port, c.ports[0].containerPort, `${name} ${probe} port`);
        }
        expect(
          c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory,
          `${name}: requests or memory limit missing`,
        );
        const sleep = c.lifecycle?.preStop?.exec?.command;
        expect(Array.isArray(sleep) && sleep[0] === 'sleep' && Number(sleep[1]) > 0, `${name}: no preStop sleep`);
        const grace = deployment.spec.template.spec.terminationGracePeriodSeconds;
        expect(grace >= Number(sleep[1]) + 15, `${name}: grace ${grace} s leaves no 15 s of drain after the ${sleep[1]} s sleep`);
        same(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0, `${name} maxUnavailable`);
        expect(!('replicas' in deployment.spec), `${name}: replicas set while the HPA owns them`);
      }
      for (const name of of(renders[render], 'Deployment').map(serviceOf)) {
        named(renders[render], 'HorizontalPodAutoscaler', `t-${name}`);
        named(renders[render], 'PodDisruptionBudget', `t-${name}`);
      }
    },
  );
}

// --- Caller keys -----------------------------------------------------------------------------------
check(
  'default: every gRPC service trusts the public key (CALLER_VERIFY_KEYS), only the gateway signs (CALLER_SIGNING_KEY from its Secret)',
  () => {
    for (const deployment of of(renders.default, 'Deployment')) {
      const name = serviceOf(deployment);
      const signs = envFrom(deployment, 'CALLER_SIGNING_KEY');
      const verify = configOf(renders.default, name).CALLER_VERIFY_KEYS;
      if (name === 'gateway') {
        same(signs?.valueFrom?.secretKeyRef, { name: 'partybuilding-caller-key', key: 'CALLER_SIGNING_KEY' }, 'gateway CALLER_SIGNING_KEY');
        same(verify, undefined, 'gateway CALLER_VERIFY_KEYS');
      } else {
        same(signs, undefined, `${name} CALLER_SIGNING_KEY`);
        same(verify, callerPub, `${name} CALLER_VERIFY_KEYS`);
      }
    }
  },
);
check('stores: while keys rotate, every service trusts the old and the new key', () => {
  for (const name of listed)
    same(configOf(renders.stores, name).CALLER_VERIFY_KEYS, `${callerPub}\n${nextPub}`, `${name} CALLER_VERIFY_KEYS`);
});
check("dev: the gateway reads CALLER_SIGNING_KEY from the chart's own Secret t-caller-key, which holds the PEM", () => {
  const secret = named(renders.dev, 'Secret', 't-caller-key');
  expect(
    Buffer.from(secret.data.CALLER_SIGNING_KEY, 'base64').toString().includes('-----BEGIN PRIVATE KEY-----'),
    'the Secret holds no private key',
  );
  same(
    envFrom(named(renders.dev, 'Deployment', 't-gateway'), 'CALLER_SIGNING_KEY').valueFrom.secretKeyRef,
    { name: 't-caller-key', key: 'CALLER_SIGNING_KEY' },
    'source',
  );
});

// --- The services still to land, and supervision's keys -------------------------------------------
/** The services being built beside those on main, with the port and stores packages/platform will list. */
const planned = [
  { name: 'learning', port: 50053, search: false },
  { name: 'feedback', port: 50054, search: true },
  { name: 'supervision', port: 50055, search: false },
];
check('all: the chart has an entry for every service of the platform and every one still to land, each on its port', () => {
  for (const service of [...platformServices, ...planned.filter((p) => !listed.includes(p.name))]) {
    const deployment = named(renders.all, 'Deployment', `t-${service.name}`);
    same(container(deployment).ports[0].containerPort, service.port, `${service.name} port`);
    same('ELASTICSEARCH_URL' in configOf(renders.all, service.name), service.search === true, `${service.name} has ELASTICSEARCH_URL`);
    same(
      configOf(renders.all, 'gateway')[addressVariable(service.name)],
      `t-${service.name}:${service.port}`,
      `gateway ${addressVariable(service.name)}`,
    );
  }
  for (const p of planned.filter((p) => listed.includes(p.name)))
    same(platformServices.find((s) => s.name === p.name)?.port, p.port, `${p.name}'s port in packages/platform`);
});
check(
  "all: supervision signs checkpoints with AUDIT_LOG_SIGNING_KEY from its own Secret, the witness's key from the witness's Secret",
  () => {
    const deployment = named(renders.all, 'Deployment', 't-supervision');
    same(
      envFrom(deployment, 'AUDIT_LOG_SIGNING_KEY')?.valueFrom?.secretKeyRef,
      { name: 't-supervision-secret', key: 'AUDIT_LOG_SIGNING_KEY' },
      'AUDIT_LOG_SIGNING_KEY source',
    );
    same(
      envFrom(deployment, 'AUDIT_WITNESS_KEY')?.valueFrom?.secretKeyRef,
      { name: 'partybuilding-witness', key: 'AUDIT_WITNESS_KEY' },
      'AUDIT_WITNESS_KEY source',
    );
    const config = configOf(renders.all, 'supervision');
    same([config.AUDIT_LOG_SIGNING_KEY, config.AUDIT_WITNESS_KEY], [undefined, undefined], 'the keys in the ConfigMap');
    same(config.AUDIT_LOG_NAME, 'audit.partybuilding.local/supervision', 'AUDIT_LOG_NAME');
    for (const other of of(renders.all, 'Deployment').filter((d) => serviceOf(d) !== 'supervision'))
      same(
        [envFrom(other, 'AUDIT_LOG_SIGNING_KEY'), envFrom(other, 'AUDIT_WITNESS_KEY')],
        [undefined, undefined],
        `${serviceOf(other)} audit keys`,
      );
  },
);

// --- No secret in a ConfigMap ----------------------------------------------------------------------
check('every render: no ConfigMap holds a secret (keys, private keys, URLs with credentials)', () => {
  for (const [render, objects] of Object.entries(renders)) {
    for (const map of of(objects, 'ConfigMap')) {
      for (const [key, value] of Object.entries((map.data ?? {}) as Record<string, string>)) {
        const where = `${render}: ConfigMap ${map.metadata.name} ${key}`;
        expect(
          !['MONGO_URL', 'AUTH_TOKEN_SECRET', 'CALLER_SIGNING_KEY'].includes(key) && !/(_KEY|_SECRET|_PASSWORD|_TOKEN)$/.test(key),
          `${where} is a secret`,
        );
        expect(!/PRIVATE KEY/.test(value), `${where} holds a private key`);
        expect(!/:\/\/[^/@\s]*:[^/@\s]*@/.test(value), `${where} carries credentials`);
      }
    }
  }
});

// --- NetworkPolicies -------------------------------------------------------------------------------
const ingressPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
const podsOf = (service: string) => ({
  podSelector: { matchLabels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': 't' } },
});
const portsOf = (rule: Rule) => (rule.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).sort();

function policies(objects: K8sObject[]) {
  const all = of(objects, 'NetworkPolicy');
  const deny = all.find((p) => p.metadata.name === 't-default-deny');
  expect(deny, 'no default deny');
  const perService = new Map<string, K8sObject>();
  for (const policy of all.filter((p) => p !== deny)) {
    const selected = policy.spec.podSelector.matchLabels['app.kubernetes.io/name'];
    expect(!perService.has(selected), `two policies select ${selected}`);
    perService.set(selected, policy);
  }
  return { deny, perService };
}
/** What one service's policy allows, as comparable strings: "in <peer> <ports>", "out <peer> <ports>". */
function paths(policy: K8sObject): string[] {
  const out: string[] = [];
  for (const [direction, rules, side] of [
    ['in', policy.spec.ingress ?? [], 'from'],
    ['out', policy.spec.egress ?? [], 'to'],
  ] as const) {
    for (const rule of rules as Rule[]) {
      const peers = rule[side];
      // A rule without peers, or without ports, would allow every source/destination, or every port.
      expect(Array.isArray(peers) && peers.length > 0, `${policy.metadata.name}: an ${direction} rule without ${side} allows everything`);
      expect(rule.ports && rule.ports.length > 0, `${policy.metadata.name}: an ${direction} rule without ports allows every port`);
      for (const peer of peers) out.push(`${direction} ${canonical(peer)} ${portsOf(rule).join(',')}`);
    }
  }
  return out.sort();
}
const dns = `out ${canonical({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } })} 53/TCP,53/UDP`;
const nats = `out ${canonical({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats' } } })} 4222/TCP`;
const store = `out ${canonical({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mongodb' } } })} 27017/TCP`;
const search = `out ${canonical({ podSelector: { matchLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': 'elasticsearch' } } })} 9200/TCP`;
const collector = `out ${canonical({ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } } })} 4318/TCP`;

function expectedPaths(objects: K8sObject[], name: string, withCollector: boolean): string[] {
  const deployments = new Map(of(objects, 'Deployment').map((d) => [serviceOf(d), d]));
  const port = (service: string) => `${container(deployments.get(service)!).ports[0].containerPort}/TCP`;
  const gatewayCalls = [...deployments.keys()].filter((n) => n !== 'gateway');
  const platform = platformServices.find((s) => s.name === name);
  const allSix = deployments.size === 6;
  // The gateway calls every service (all six: the three to come are added to its calls too).
  const expected = [dns, nats];
  if (name === 'gateway') {
    expected.push(`in ${canonical(ingressPeer)} ${port('gateway')}`);
    for (const callee of gatewayCalls) expected.push(`out ${canonical(podsOf(callee))} ${port(callee)}`);
  } else {
    expected.push(`in ${canonical(podsOf('gateway'))} ${port(name)}`, store);
    const searches = allSix ? ['content', 'feedback'].includes(name) : platform?.search === true;
    if (searches) expected.push(search);
  }
  if (withCollector) expected.push(collector);
  return expected.sort();
}

for (const render of ['default', 'all', 'stores'] as const) {
  check(`${render}: default deny for every pod of the release, then per service exactly its paths`, () => {
    const objects = renders[render];
    const { deny, perService } = policies(objects);
    same(deny.spec.podSelector, { matchLabels: { 'app.kubernetes.io/instance': 't' } }, 'default deny selector');
    same(deny.spec.policyTypes, ['Ingress', 'Egress'], 'default deny policyTypes');
    expect(!deny.spec.ingress && !deny.spec.egress, 'the default deny allows something');
    same([...perService.keys()].sort(), of(objects, 'Deployment').map(serviceOf).sort(), 'services with a policy');
    for (const [name, policy] of perService) {
      same(policy.spec.policyTypes, ['Ingress', 'Egress'], `${name} policyTypes`);
      same(paths(policy), expectedPaths(objects, name, render === 'stores'), `${name} paths`);
    }
  });
}

// --- KEDA --------------------------------------------------------------------------------------------
check(
  "keda: content scales on its indexer's lag (stream PROD_CONTENT) and CPU through a ScaledObject; no HPA and no replicas for it",
  () => {
    const scaled = named(renders.keda, 'ScaledObject', 't-content');
    same(scaled.spec.scaleTargetRef, { name: 't-content' }, 'scaleTargetRef');
    same([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount], [2, 10], 'min and max replicas');
    const [lag, cpu] = scaled.spec.triggers;
    same(lag.type, 'nats-jetstream', 'first trigger');
    same(
      lag.metadata,
      {
        natsServerMonitoringEndpoint: 'nats:8222',
        account: '$G',
        stream: 'PROD_CONTENT',
        consumer: 'content-indexer',
        lagThreshold: '200',
        activationLagThreshold: '0',
        useHttps: 'false',
      },
      'lag trigger',
    );
    same(cpu, { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }, 'CPU trigger');
    same(
      scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds,
      600,
      'HPA behaviour carried over',
    );
    same(
      of(renders.keda, 'HorizontalPodAutoscaler')
        .map((h) => h.metadata.name)
        .sort(),
      ['t-feedback', 't-gateway', 't-learning', 't-member', 't-supervision'],
      'HPAs',
    );
    expect(!('replicas' in named(renders.keda, 'Deployment', 't-content').spec), 'content Deployment sets replicas');
    same(of(renders.default, 'ScaledObject').length, 0, 'ScaledObjects without keda.enabled');
  },
);

// --- External stores ----------------------------------------------------------------------------------
check('stores: NATS_URL and ELASTICSEARCH_URL come from their Secrets (not ConfigMaps), the CA bundle is mounted and trusted', () => {
  for (const deployment of of(renders.stores, 'Deployment')) {
    const name = serviceOf(deployment);
    const config = configOf(renders.stores, name);
    same(config.NATS_URL, undefined, `${name} ConfigMap NATS_URL`);
    same(config.ELASTICSEARCH_URL, undefined, `${name} ConfigMap ELASTICSEARCH_URL`);
    same(envFrom(deployment, 'NATS_URL')?.valueFrom?.secretKeyRef, { name: 'nats-credentials', key: 'NATS_URL' }, `${name} NATS_URL`);
    const searches = platformServices.find((s) => s.name === name)?.search === true;
    same(
      envFrom(deployment, 'ELASTICSEARCH_URL')?.valueFrom?.secretKeyRef,
      searches ? { name: 'es-credentials', key: 'ELASTICSEARCH_URL' } : undefined,
      `${name} ELASTICSEARCH_URL`,
    );
    same(config.NODE_EXTRA_CA_CERTS, '/etc/partybuilding/ca/ca.crt', `${name} NODE_EXTRA_CA_CERTS`);
    same(config.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector.observability:4318', `${name} OTEL_EXPORTER_OTLP_ENDPOINT`);
    const mount = container(deployment).volumeMounts.find((m: { name: string }) => m.name === 'store-ca');
    same(mount, { name: 'store-ca', mountPath: '/etc/partybuilding/ca', readOnly: true }, `${name} CA mount`);
    const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'store-ca');
    same(volume?.secret, { secretName: 'stores-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] }, `${name} CA volume`);
  }
});
check('default: plain store URLs in the ConfigMaps, no CA bundle unless asked for', () => {
  for (const name of expectedDeployments) {
    const config = configOf(renders.default, name);
    same(config.NATS_URL, 'nats://nats:4222', `${name} NATS_URL`);
    same(config.NODE_EXTRA_CA_CERTS, undefined, `${name} NODE_EXTRA_CA_CERTS`);
  }
});

if (failures > 0) process.exitCode = 1;
