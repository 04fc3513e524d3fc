// The fuzz stage's data for the feedback service, on the member seed's organisations (feedback
// knows them from the member service's events): a leader post of the city, a message the city
// has accepted (public, with its reply pending) and one still submitted, both written by the
// member caller, whose tracking codes and contact the tracking routes take.

/** Seeded ids by dictionary, and the fields and paths that take them. */
export const dictionaries = {
  messages: { paths: ['^/api/v1/messages/\\{id\\}', '^/api/v1/feedback/messages/\\{id\\}'], fields: ['body.intoMessageId'] },
  leaderPosts: { paths: ['^/api/v1/feedback/leader-posts/\\{id\\}'], fields: ['body.leaderPostId', 'query.leaderPostId'] },
  trackingCodes: { fields: ['body.trackingCode'] },
  contacts: { fields: ['body.contact'] },
};

/** Seeds through the REST API with `api(method, path, identity, body)`; records ids with `record`. */
export async function seed({ api, identities, ids, record, testbed }) {
  // The member seed's tree: province, city, its two branches, a group, the other city, its branch.
  const [province, city] = ids.organizations ?? [];
  if (!city) throw new Error('the feedback seed needs the member seed’s organisations');
  await testbed.waitFor(
    async () =>
      (await api('GET', `/api/v1/message-recipients?parentId=${province}`, identities.admin)).organizations.some((o) => o.id === city),
    { what: 'the member seed’s organisations in the feedback service', timeoutMs: 60_000 },
  );
  const post = await api('POST', '/api/v1/feedback/leader-posts', identities.admin, {
    organizationId: city,
    title: '书记',
    holderName: '模糊测试',
  });
  record('leaderPosts', post.id);
  const contact = '13900139000';
  const write = (n, to) =>
    api('POST', '/api/v1/messages', identities.member, {
      type: 'complaint',
      domain: '城建',
      ...to,
      subject: `滨江路积水（模糊测试${n}）`,
      body: '滨江路小区门口每逢下雨积水没过脚踝，老人孩子出行困难，请尽快修缮排水设施。',
      region: '江川省青石市',
      contact,
      contactName: '王先生',
    });
  const accepted = await write(1, { organizationId: city });
  const submitted = await write(2, { leaderPostId: post.id });
  const idOf = (answer) => answer.message.message.id;
  await api('POST', `/api/v1/feedback/messages/${idOf(accepted)}/accept`, identities.admin, { note: '已核实' });
  record('messages', idOf(accepted), idOf(submitted));
  record('trackingCodes', accepted.trackingCode, submitted.trackingCode);
  record('contacts', contact);
}
