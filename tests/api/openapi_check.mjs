// Keeps docs/api/openapi.json true: calls every operation the document lists
// (one sample request each, tests/e2e/api_samples.tsv) as an administrator,
// and checks that the answer's status is documented and that its body fits
// the schema documented for that status. Fails on a route the server has
// that the document lacks, or the other way round, and when an operation's
// x-permission differs from the server's route table. The schema checker
// below covers the JSON Schema the document uses: type (also a list), enum,
// properties, required, additionalProperties, items, allOf, $ref.
// Usage: node openapi_check.mjs DOC ROUTES.jsonl SAMPLES.tsv API-BASE PASSWORD
import { readFileSync } from 'node:fs';

const [docPath, routesPath, samplesPath, base, password] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, 'utf8'));
const routes = readFileSync(routesPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const samples = new Map();
for (const line of readFileSync(samplesPath, 'utf8').split('\n')) {
  if (!line) continue;
  const [m, p, url, body] = line.split('\t');
  samples.set(`${m} ${p}`, { url, body: body || '' });
}
let pass = 0, fail = 0;
const ok = (what) => { pass++; console.log(`ok   ${what}`); };
const bad = (what) => { fail++; console.log(`FAIL ${what}`); };

function resolve(s) {
  while (s && s.$ref) {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    s = parts.reduce((o, k) => o[k], doc);
  }
  return s;
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

// Returns a list of problems, each naming the place in the body.
function check(schema, v, at) {
  const s = resolve(schema);
  const out = [];
  if (!s || Object.keys(s).length === 0) return out;
  if (s.allOf) for (const sub of s.allOf) out.push(...check(sub, v, at));
  if (s.type) {
    const want = Array.isArray(s.type) ? s.type : [s.type];
    const got = typeOf(v);
    if (!want.includes(got) && !(got === 'integer' && want.includes('number'))) {
      out.push(`${at}: ${got}, wanted ${want.join('|')}`);
      return out;
    }
  }
  if (s.enum && !s.enum.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${s.enum.join(', ')}`);
  if (typeOf(v) === 'object') {
    for (const k of s.required || []) if (!(k in v)) out.push(`${at}: ${k} is missing`);
    for (const [k, val] of Object.entries(v)) {
      if (s.properties && k in s.properties) out.push(...check(s.properties[k], val, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}: ${k} is not in the schema`);
      else if (typeof s.additionalProperties === 'object') out.push(...check(s.additionalProperties, val, `${at}.${k}`));
    }
  }
  if (typeOf(v) === 'array' && s.items) v.forEach((e, i) => out.push(...check(s.items, e, `${at}[${i}]`)));
  return out;
}

// Log in as the administrator (all permissions).
const login = await fetch(`${base}/session`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password }),
});
const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
const { csrf } = await login.json();
if (login.status !== 200 || !cookie.startsWith('kv_session=')) {
  console.log(`FAIL login: ${login.status}`);
  process.exit(1);
}

// The document and the server list the same routes with the same permissions.
const docOps = [];
const proposedOps = [];
// Operations marked x-proposed are proposals that the web UI is built
// against: they must not be served yet (the marker goes once they are), and
// they are not called.
for (const [path, ops] of Object.entries(doc.paths))
  for (const [method, op] of Object.entries(ops))
    (op['x-proposed'] ? proposedOps : docOps).push({ key: `${method.toUpperCase()} ${path}`, op });
const serverKeys = new Set(routes.map((r) => `${r.method} ${r.path}`));
for (const d of proposedOps)
  if (serverKeys.has(d.key)) bad(`${d.key}: served, but still marked x-proposed`);
  else ok(`${d.key}: proposed, not served yet`);
for (const r of routes) {
  const d = docOps.find((o) => o.key === `${r.method} ${r.path}`);
  if (!d) { bad(`${r.method} ${r.path}: the document lacks this route`); continue; }
  const perm = d.op['x-permission'] ?? '';
  if (perm === r.permission && (d.op.security?.length === 0) === !r.login)
    ok(`${d.key}: in the document, permission '${perm}'`);
  else bad(`${d.key}: document says permission '${perm}' (login ${d.op.security?.length !== 0}), server '${r.permission}' (login ${r.login})`);
}
for (const d of docOps) if (!serverKeys.has(d.key)) bad(`${d.key}: in the document but not served`);

// Every documented operation, called once (DELETE /session last).
docOps.sort((a, b) => (a.key === 'DELETE /session') - (b.key === 'DELETE /session'));
for (const { key, op } of docOps) {
  const s = samples.get(key);
  if (!s) { bad(`${key}: no sample request`); continue; }
  const method = key.split(' ')[0];
  const headers = {};
  if (!(key === 'POST /session')) { headers.Cookie = cookie; headers['X-CSRF-Token'] = csrf; }
  const body = s.body.replaceAll('$ROLE', 'admin').replaceAll('$PW', password);
  if (body) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${s.url}`, { method, headers, body: body || undefined });
  const text = await res.text();
  const documented = resolve(op.responses[String(res.status)]);
  if (!documented) { bad(`${key}: status ${res.status} is not documented (${text.slice(0, 200)})`); continue; }
  const content = documented.content && (documented.content['application/json'] || documented.content['application/problem+json']);
  if (!content) {
    if (text.length === 0) ok(`${key}: ${res.status}, no body as documented`);
    else bad(`${key}: ${res.status} has a body the document does not describe`);
    continue;
  }
  const ctype = res.headers.get('content-type') || '';
  const wantType = documented.content['application/json'] ? 'application/json' : 'application/problem+json';
  if (!ctype.startsWith(wantType)) { bad(`${key}: content type ${ctype}, wanted ${wantType}`); continue; }
  let v;
  try { v = JSON.parse(text); } catch (e) { bad(`${key}: the body is not JSON`); continue; }
  const problems = check(content.schema, v, '$');
  if (problems.length === 0) ok(`${key}: ${res.status} fits the schema`);
  else bad(`${key}: ${res.status}: ${problems.slice(0, 5).join('; ')}`);
}

// The checker itself catches a wrong body (so the checks above can fail).
const probe = check({ $ref: '#/components/schemas/Question' }, { id: 'x' }, '$');
probe.length >= 2 ? ok('the schema checker refuses a wrong body') : bad('the schema checker accepted a wrong body');

// Errors are problems too.
const nf = await fetch(`${base}/no-such-thing`, { headers: { Cookie: cookie } });
const nfp = check({ $ref: '#/components/schemas/Problem' }, await nf.json(), '$');
nf.status === 404 && nfp.length === 0 ? ok('404 is a problem document') : bad(`404: ${nf.status} ${nfp.join('; ')}`);

console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
