// The fuzz stage's data for the content service: a published document and a draft.
/** Seeded ids by dictionary, and the fields and paths that take them. */
export const dictionaries = {
  documents: { paths: ['^/api/v1/documents/\\{id\\}'], fields: [] },
};

/** Seeds through the REST API with `api(method, path, identity, body)`; records ids with `record`. */
export async function seed({ api, identities, record }) {
  const body = (n) => ({
    kind: 'policy',
    title: `关于进一步落实三会一课制度的通知（模糊测试${n}）`,
    docNumber: `江组发〔2024〕${n}号`,
    agency: '中共江川省委组织部',
    docType: '通知',
    issuedAt: '2024-04-15',
    region: '全省',
    topics: ['组织建设', '三会一课'],
    body: '各级党组织要严格落实三会一课制度，支部党员大会每季度至少召开一次，党小组会每月召开一次。',
  });
  const published = await api('POST', '/api/v1/documents', identities.admin, body(1));
  await api('POST', `/api/v1/documents/${published.id}/submit`, identities.admin);
  await api('POST', `/api/v1/documents/${published.id}/approve`, identities.reviewer, { note: '同意' });
  await api('POST', `/api/v1/documents/${published.id}/publish`, identities.reviewer);
  const draft = await api('POST', '/api/v1/documents', identities.admin, body(2));
  record('documents', published.id, draft.id);
}
