// A small Node (fetch) client of POST /v1/tasks, as an SDK would be.
//   node node_client.mjs BASE_URL clean|bug
// "bug" plants one mistake: the key sent as "Bearer <key>".
const [base, mode] = process.argv.slice(2);
const headers = {
  'Content-Type': 'application/json',
  'Quo-Client': 'node-sdk/1.0',
  'Authorization': mode === 'bug' ? 'Bearer test-key' : 'test-key',
};
const bodies = [
  {title: 'Reply', description: 'Answer the question', activityId: 'AC1'},
  {title: 'Call', description: 'About pricing', phoneNumberId: 'PN1', assignedTo: 'US1'},
];
let failed = 0;
for (const b of bodies) {
  const r = await fetch(base + '/v1/tasks', {method: 'POST', headers, body: JSON.stringify(b)});
  const j = await r.json();
  const want = mode === 'bug' ? 401 : 201;
  if (r.status !== want) {
    console.error(`node client: ${r.status} ${JSON.stringify(j)}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
