// Huizhen viewer: shows one study from a DICOMweb server (the hub's /dicomweb, or any peer).
//
// URL: /viewer/?wado=<DICOMweb root>&study=<StudyInstanceUID>[&token=<bearer>][&render=cpu]
//   wado   the DICOMweb root (absolute, or relative to this page); default /dicomweb (the hub)
//   study  the StudyInstanceUID to show
//   token  an OAuth2 bearer token; kept in sessionStorage and removed from the address bar, so a
//          reload keeps working and the token does not linger in the history
//   render "cpu" forces Cornerstone's CPU renderer (it also falls back to it without WebGL)
//
// Flow: QIDO-RS series search in the study (PS3.18 10.6) -> the series list; for the first series
// (or the one clicked) WADO-RS series metadata (PS3.18 10.4.1.1.2) -> one wadors: image id per
// frame -> Cornerstone's stack viewport loads each frame with WADO-RS /frames (PS3.18 10.4.1.1.5)
// and decodes it in a web worker. Mouse drag: window/level; wheel: image in the stack.
//
// The page reports its progress on <body data-state="..."> (starting, loading, rendered, error)
// and window.huizhenViewer, which the hub's browser tests wait for.
import { init as csInit, RenderingEngine, Enums, setUseCPURendering, getShouldUseCPURendering } from '@cornerstonejs/core';
import dicomImageLoader, { init as dicomLoaderInit } from '@cornerstonejs/dicom-image-loader';
import { api as dicomweb } from 'dicomweb-client';

const TOKEN_KEY = 'huizhen.viewer.token';
const state = { state: 'starting', error: null, series: [], imageIds: [], seriesInstanceUID: null, renderer: null };
window.huizhenViewer = state;

const $ = (id) => document.getElementById(id);

function setState(s, message) {
  state.state = s;
  document.body.dataset.state = s;
  $('status').textContent = message;
}

function fail(message, err) {
  state.error = message + (err ? ': ' + (err.message || err) : '');
  console.error(state.error, err);
  setState('error', state.error);
}

/** Reads the page parameters; moves a token from the URL into sessionStorage. */
function readParams() {
  const url = new URL(window.location.href);
  const p = url.searchParams;
  const token = p.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    p.delete('token');
    window.history.replaceState(null, '', url.pathname + (p.toString() ? '?' + p : '') + url.hash);
  }
  const wado = new URL(p.get('wado') || '/dicomweb', window.location.href).href.replace(/\/+$/, '');
  return {
    wado,
    study: p.get('study'),
    token: sessionStorage.getItem(TOKEN_KEY),
    cpu: p.get('render') === 'cpu',
  };
}

/** The first value of a DICOM JSON attribute (PS3.18 F.2), or undefined. */
function first(ds, tag) {
  const v = ds?.[tag]?.Value;
  return v && v.length ? v[0] : undefined;
}

function text(ds, tag) {
  const v = first(ds, tag);
  if (v === undefined) return '';
  if (typeof v === 'object') return v.Alphabetic || v.Ideographic || '';
  return String(v);
}

const TAG = {
  studyDescription: '00081030',
  patientName: '00100010',
  patientId: '00100020',
  studyDate: '00080020',
  seriesUid: '0020000E',
  seriesNumber: '00200011',
  seriesDescription: '0008103E',
  modality: '00080060',
  seriesInstances: '00201209',
  sopUid: '00080018',
  instanceNumber: '00200013',
  frames: '00280008',
};

function renderSeriesList(series, onPick) {
  const list = $('series');
  list.replaceChildren();
  for (const s of series) {
    const li = document.createElement('li');
    li.dataset.uid = text(s, TAG.seriesUid);
    const title = document.createElement('span');
    title.textContent = `${text(s, TAG.modality) || '?'} #${text(s, TAG.seriesNumber) || '-'} ${text(s, TAG.seriesDescription)}`;
    const count = document.createElement('small');
    const n = text(s, TAG.seriesInstances);
    count.textContent = n ? `${n} image(s)` : '';
    li.append(title, count);
    li.addEventListener('click', () => onPick(li.dataset.uid));
    list.append(li);
  }
}

function markActive(seriesUid) {
  for (const li of $('series').children) {
    li.classList.toggle('active', li.dataset.uid === seriesUid);
  }
}

/** One wadors: image id per frame of each instance, in InstanceNumber order. */
function imageIdsFor(wado, studyUid, seriesUid, instances) {
  const sorted = [...instances].sort(
    (a, b) => (Number(first(a, TAG.instanceNumber)) || 0) - (Number(first(b, TAG.instanceNumber)) || 0));
  const ids = [];
  for (const md of sorted) {
    const sop = text(md, TAG.sopUid);
    const frames = Math.max(1, Number(first(md, TAG.frames)) || 1);
    for (let f = 1; f <= frames; f++) {
      const id = `wadors:${wado}/studies/${studyUid}/series/${seriesUid}/instances/${sop}/frames/${f}`;
      dicomImageLoader.wadors.metaDataManager.add(id, md);
      ids.push(id);
    }
  }
  return ids;
}

function updateOverlay(viewport) {
  const props = viewport.getProperties();
  const voi = props.voiRange;
  const idx = viewport.getCurrentImageIdIndex();
  const total = viewport.getImageIds().length;
  let wl = '';
  if (voi) {
    const ww = voi.upper - voi.lower;
    wl = `W ${Math.round(ww)} L ${Math.round(voi.lower + ww / 2)}`;
  }
  $('overlay').textContent = `Image ${idx + 1}/${total}  ${wl}`;
}

/** Window/level by dragging (horizontal: width, vertical: centre) and wheel through the stack. */
function attachInteraction(element, getViewport) {
  let drag = null;
  element.addEventListener('pointerdown', (e) => {
    const vp = getViewport();
    const voi = vp?.getProperties().voiRange;
    if (!voi) return;
    drag = { x: e.clientX, y: e.clientY, width: voi.upper - voi.lower, center: (voi.upper + voi.lower) / 2 };
    element.setPointerCapture(e.pointerId);
  });
  element.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const vp = getViewport();
    const width = Math.max(1, drag.width + (e.clientX - drag.x) * Math.max(1, drag.width / 256));
    const center = drag.center + (e.clientY - drag.y) * Math.max(1, drag.width / 256);
    vp.setProperties({ voiRange: { lower: center - width / 2, upper: center + width / 2 } });
    vp.render();
    updateOverlay(vp);
  });
  const end = () => { drag = null; };
  element.addEventListener('pointerup', end);
  element.addEventListener('pointercancel', end);
  element.addEventListener('wheel', (e) => {
    const vp = getViewport();
    if (!vp) return;
    e.preventDefault();
    const total = vp.getImageIds().length;
    const next = Math.min(total - 1, Math.max(0, vp.getCurrentImageIdIndex() + Math.sign(e.deltaY)));
    vp.setImageIdIndex(next).then(() => updateOverlay(vp));
  }, { passive: false });
}

async function main() {
  const params = readParams();
  if (!params.study) {
    fail('No study given: open /viewer/?wado=<DICOMweb root>&study=<StudyInstanceUID>');
    return;
  }
  const headers = params.token ? { Authorization: `Bearer ${params.token}` } : {};
  $('study').textContent = `Study ${params.study}`;

  csInit();
  if (params.cpu) setUseCPURendering(true);
  state.renderer = getShouldUseCPURendering() ? 'cpu' : 'webgl';
  dicomLoaderInit({
    maxWebWorkers: Math.min(2, navigator.hardwareConcurrency || 1),
    beforeSend: () => ({ ...headers }),
  });

  const client = new dicomweb.DICOMwebClient({ url: params.wado, headers });
  const element = $('viewport');
  const engine = new RenderingEngine('huizhen');
  engine.enableElement({ viewportId: 'main', type: Enums.ViewportType.STACK, element });
  const viewport = () => engine.getViewport('main');
  attachInteraction(element, viewport);
  new ResizeObserver(() => engine.resize(true, true)).observe(element);

  async function showSeries(seriesUid) {
    setState('loading', `Loading series ${seriesUid}…`);
    markActive(seriesUid);
    state.seriesInstanceUID = seriesUid;
    const instances = await client.retrieveSeriesMetadata({
      studyInstanceUID: params.study, seriesInstanceUID: seriesUid });
    const ids = imageIdsFor(params.wado, params.study, seriesUid, instances);
    if (ids.length === 0) throw new Error('the series has no instances');
    state.imageIds = ids;
    const vp = viewport();
    await vp.setStack(ids, 0);
    vp.render();
    updateOverlay(vp);
    setState('rendered', `${ids.length} image(s) · ${seriesUid}`);
  }

  setState('loading', 'Searching series (QIDO-RS)…');
  let series;
  try {
    series = await client.searchForSeries({ studyInstanceUID: params.study });
  } catch (err) {
    fail('QIDO-RS series search failed', err);
    return;
  }
  series = [...(series || [])].sort(
    (a, b) => (Number(first(a, TAG.seriesNumber)) || 0) - (Number(first(b, TAG.seriesNumber)) || 0));
  state.series = series.map((s) => text(s, TAG.seriesUid));
  if (series.length === 0) {
    fail(`No series found in study ${params.study}`);
    return;
  }
  const s0 = series[0];
  $('study').textContent = [text(s0, TAG.patientName), text(s0, TAG.patientId), text(s0, TAG.studyDescription)]
    .filter(Boolean).join(' · ') || `Study ${params.study}`;
  const pick = (uid) => showSeries(uid).catch((err) => fail('Loading the series failed', err));
  renderSeriesList(series, pick);
  await pick(state.series[0]);
}

main().catch((err) => fail('Viewer failed to start', err));
