// The ECG reading page: lists the ECGs the token may read (GET /api/ecg), STAT first, and shows
// the selected one: the hub's 12-lead SVG, hub vs device measurements, critical flags, the
// device's statements, downloads of the original file and the PNG.
//
// URL: /ecg/?token=<bearer>[&id=<SOP Instance UID>]. The token moves into sessionStorage and out
// of the address bar (as in the viewer), so it is neither in the history nor in a bookmark.
// Safety: text from the API is only ever set with textContent; the SVG is fetched as text,
// parsed with DOMParser and imported as nodes, never assigned as HTML.
// Machine-readable state for tests: body[data-state] loading|ready|empty|login|error,
// #trace[data-state] loading|drawn|error.

const TOKEN_KEY = 'huizhen.ecg.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
let token = null;
let current = null; // the id being shown
let shown = null; // its JSON, once loaded

class Expired extends Error {}

function readParams() {
  const url = new URL(location.href);
  const t = url.searchParams.get('token');
  if (t) {
    sessionStorage.setItem(TOKEN_KEY, t);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
  }
  return { token: sessionStorage.getItem(TOKEN_KEY), id: url.searchParams.get('id') };
}

/** GET path with the token; 401 → Expired, other errors → Error with the problem's detail. */
async function api(path, as) {
  const r = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (r.status === 401) throw new Expired();
  if (!r.ok) {
    let detail = '';
    try { detail = (await r.json()).detail || ''; } catch { /* not a problem+json body */ }
    throw new Error(`HTTP ${r.status} ${detail}`.trim());
  }
  return as === 'text' ? r.text() : as === 'blob' ? r.blob() : r.json();
}

/** An element with text (never HTML) and a class. */
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** "中文 <small>English</small>" as nodes. */
function bilingual(zh, en) {
  const f = document.createDocumentFragment();
  f.append(`${zh} `, el('small', en));
  return f;
}

function status(state, zh, en) {
  document.body.dataset.state = state;
  $('status').replaceChildren(bilingual(zh, en));
}

function fail(e) {
  if (e instanceof Expired) {
    sessionStorage.removeItem(TOKEN_KEY);
    status('login', '登录已过期，请重新登录', 'token expired: sign in again');
  } else {
    status('error', `无法加载：${e.message}`, 'could not load');
  }
}

const pad = (n) => String(n).padStart(2, '0');
function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const num = (v) => (v == null ? '—' : String(Math.round(v)));
const patientName = (p) => (p && (p.name || p.id)) || '（无姓名）';
const heartRate = (e) => e.measurements?.heartRateBpm ?? e.device?.measurements?.heartRateBpm;

function badge(priority) {
  const stat = priority === 'STAT';
  return el('span', stat ? '急 STAT' : '常规 routine', stat ? 'badge stat' : 'badge');
}

function row(e) {
  const tr = el('tr');
  tr.dataset.id = e.id;
  const name = el('button', patientName(e.patient));
  name.type = 'button'; // keyboard access; its click bubbles to the row
  const flags = (e.criticalFlags || []).length;
  const tds = [badge(e.priority), name, when(e.acquired), e.institution || '—', num(heartRate(e)),
    el('span', String(flags), flags ? 'count critical' : 'count')];
  for (const c of tds) {
    const td = el('td');
    td.append(c);
    tr.append(td);
  }
  tr.addEventListener('click', () => select(e.id));
  return tr;
}

/** Fetches and shows the worklist; its length. */
async function refreshList() {
  const list = await api('/api/ecg?limit=100');
  // STAT first; the API answers newest first and the sort is stable, so each group stays newest first
  list.sort((a, b) => (b.priority === 'STAT') - (a.priority === 'STAT'));
  $('worklist').tBodies[0].replaceChildren(...list.map(row));
  markCurrent();
  return list;
}

function markCurrent() {
  for (const tr of $('worklist').tBodies[0].rows) {
    if (tr.dataset.id === current) tr.setAttribute('aria-current', 'true'); else tr.removeAttribute('aria-current');
  }
}

/** Loads the worklist; opens openId, else the first row, if nothing is open yet. */
async function loadList(openId) {
  const list = await refreshList();
  if (!list.length && !openId && !current) {
    status('empty', '没有心电图', 'no ECGs');
    return;
  }
  status('ready', `${list.length} 份心电图`, `${list.length} ECGs`);
  if (!current) await select(openId || list[0].id);
}

async function select(id) {
  current = id;
  shown = null;
  markCurrent();
  const figure = $('trace');
  figure.dataset.state = 'loading';
  figure.replaceChildren(bilingual('图形加载中…', 'drawing'));
  let e;
  try {
    e = await api(`/api/ecg/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof Expired) return fail(err);
    $('detail').hidden = false;
    $('title').textContent = `无法打开心电图 ${id}`;
    for (const x of ['meta', 'flags']) $(x).replaceChildren();
    $('measures').tBodies[0].replaceChildren();
    $('statements').querySelector('ul').replaceChildren();
    figure.dataset.state = 'error';
    figure.replaceChildren(el('p', `${err.message}`, 'error'));
    return;
  }
  if (current !== id) return; // another row was chosen meanwhile
  showDetail(e);
  await drawSvg(e, figure);
}

function showDetail(e) {
  shown = e;
  $('detail').hidden = false;
  const p = e.patient || {};
  $('title').textContent = `${patientName(p)}${p.id && p.name ? `（${p.id}）` : ''}`;
  const sex = { M: '男 M', F: '女 F' }[p.sex] || p.sex;
  const dev = [e.device?.manufacturer, e.device?.model].filter(Boolean).join(' ');
  $('meta').textContent = [sex, p.ageYears != null ? `${p.ageYears} 岁` : null, e.acquired && when(e.acquired), e.institution,
    e.format, dev, `${e.sampleRateHz} Hz`, `${(e.leads || []).length} 导联 leads`].filter(Boolean).join(' · ');
  showFlags(e.criticalFlags || []);
  showMeasures(e.measurements || {}, e.device?.measurements || {});
  const ul = $('statements').querySelector('ul');
  const st = e.device?.statements || [];
  ul.replaceChildren(...(st.length ? st.map((s) => el('li', s)) : [el('li', '（无 none）', 'none')]));
}

function showFlags(flags) {
  $('flags').replaceChildren(...flags.map((f) => {
    const li = el('li', null, 'critical');
    const where = f.startSeconds == null ? '' : ` @ ${f.startSeconds}–${f.endSeconds ?? f.startSeconds} s`;
    li.append(el('strong', `危急 ${f.description || f.rule}`), ` ${f.value} ${f.unit || ''}`
      + ` (阈值 threshold ${f.threshold})${f.lead ? ` · ${f.lead}` : ''}${where}`, el('small', ` ${f.rule}`));
    return li;
  }));
}

const MEASURES = [
  ['心率', 'HR', 'bpm', 'heartRateBpm', 'heartRateBpm'],
  ['PR 间期', 'PR', 'ms', 'prMs', 'prMs'],
  ['QRS 时限', 'QRS', 'ms', 'qrsMs', 'qrsMs'],
  ['QT 间期', 'QT', 'ms', 'qtMs', 'qtMs'],
  ['QTc Bazett', 'QTcB', 'ms', 'qtcBazettMs', null],
  ['QTc Fridericia', 'QTcF', 'ms', 'qtcFridericiaMs', null],
  ['QTc（设备公式）', "QTc, device's formula", 'ms', null, 'qtcMs'],
  ['P 电轴', 'P axis', '°', 'axes.p', 'axes.p'],
  ['QRS 电轴', 'QRS axis', '°', 'axes.qrs', 'axes.qrs'],
  ['T 电轴', 'T axis', '°', 'axes.t', 'axes.t'],
];
const pick = (o, path) => (path == null ? null : path.split('.').reduce((v, k) => v?.[k], o));

function showMeasures(hub, device) {
  $('measures').tBodies[0].replaceChildren(...MEASURES.map(([zh, en, unit, h, d]) => {
    const tr = el('tr');
    const th = el('th');
    th.scope = 'row';
    th.append(bilingual(zh, `${en} (${unit})`));
    const hv = pick(hub, h);
    const dv = pick(device, d);
    tr.append(th, el('td', num(hv), 'hub'), el('td', num(dv), 'device'));
    // a difference worth a look: 10 ms for intervals, 2 bpm for rate (the hub's own accuracy target)
    if (hv != null && dv != null && Math.abs(hv - dv) > (unit === 'bpm' ? 2 : unit === 'ms' ? 10 : 30)) {
      tr.className = 'differs';
      tr.title = '本系统与设备差异较大 / the hub and the device differ';
    }
    return tr;
  }));
  if (hub.error) {
    const tr = el('tr');
    const td = el('td', `本系统未能测量 / the hub could not measure: ${hub.error}`, 'error');
    td.colSpan = 3;
    tr.append(td);
    $('measures').tBodies[0].append(tr);
  }
}

/** Fetches the hub's SVG as text and inserts it as nodes (DOMParser + importNode, never innerHTML). */
async function drawSvg(e, figure) {
  try {
    const text = await api(`/api/ecg/${encodeURIComponent(e.id)}/render?format=svg`, 'text');
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') throw new Error('not an SVG picture');
    for (const s of root.querySelectorAll('script, foreignObject')) s.remove();
    const svg = document.importNode(root, true);
    svg.removeAttribute('width'); // scale to the column's width, the viewBox keeps the aspect
    svg.removeAttribute('height');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `12导联心电图 12-lead ECG: ${patientName(e.patient)}, ${when(e.acquired)}`);
    if (current !== e.id) return;
    figure.replaceChildren(svg);
    figure.dataset.state = 'drawn';
  } catch (err) {
    if (err instanceof Expired) return fail(err);
    if (current !== e.id) return;
    figure.replaceChildren(el('p', `心电图图形无法显示 / the tracing could not be drawn: ${err.message}`, 'error'));
    figure.dataset.state = 'error';
  }
}

/** Fetches with the token and saves as a file (a plain link could not send the token). */
async function download(path, name) {
  try {
    const blob = await api(path, 'blob');
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (err) {
    fail(err);
  }
}

async function main() {
  const p = readParams();
  token = p.token;
  $('dl-original').addEventListener('click', () => shown && download(shown.links.original,
    shown.original?.fileName || `${shown.id}.ecg`));
  $('dl-png').addEventListener('click', () => shown && download(shown.links.png, `${shown.id}.png`));
  if (!token) {
    status('login', '未登录：请从医院系统打开本页（带 token）', 'not signed in: open this page with ?token=');
    return;
  }
  try {
    await loadList(p.id);
    // new ECGs arrive all day: refresh the list every minute while signed in (the open ECG stays)
    const timer = setInterval(() => {
      if (document.body.dataset.state === 'login') clearInterval(timer);
      else if (!document.hidden) loadList().catch(fail);
    }, 60000);
  } catch (e) {
    fail(e);
  }
}

main();
