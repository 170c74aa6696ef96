// /docs: a self-contained page (no CDN: these machines have no internet) that renders /openapi.json.
// Its style and script are files of their own (/docs.css, /docs.js): the Content-Security-Policy
// (security-headers.ts) allows no inline code.
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>storefleet API</title>
<link rel="stylesheet" href="/docs.css">
<script type="module" src="/docs.js"></script>
</head>
<body>
<h1>storefleet API</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;key&gt;</code> when the API has keys configured.</p>
<div id="ops">Loading…</div>
</body>
</html>
`;

export const docsStyle = `body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
h2 { border-bottom: 1px solid #ccd; padding-bottom: .2rem; }
.op { margin: 1rem 0; padding: .6rem .9rem; border: 1px solid #dde; border-radius: 6px; }
.method { font-weight: 700; text-transform: uppercase; margin-right: .5rem; }
code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: #f5f6fa; padding: .6rem; overflow: auto; }
`;

export const docsScript = `const doc = await (await fetch('/openapi.json')).json();
const base = doc.servers?.[0]?.url ?? '';
const ops = document.getElementById('ops');
ops.textContent = '';
const el = (tag, text) => Object.assign(document.createElement(tag), { textContent: text });
for (const [path, methods] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    const box = el('div', '');
    box.className = 'op';
    const head = el('div', '');
    head.append(Object.assign(el('span', method), { className: 'method' }), el('code', base + path));
    box.append(head, el('p', op.summary ?? ''));
    const body = op.requestBody?.content?.['application/json']?.schema?.$ref;
    if (body) box.append(el('div', 'Body: ' + body.split('/').pop()), el('pre', JSON.stringify(doc.components.schemas[body.split('/').pop()], null, 2)));
    box.append(el('div', 'Responses: ' + Object.entries(op.responses).map(([code, r]) => code + ' ' + r.description).join(' · ')));
    ops.append(box);
  }
}
`;
