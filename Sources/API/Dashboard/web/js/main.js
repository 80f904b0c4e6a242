// The dashboard: the map with the offline basemap, layers, time, comparison, search, measurement,
// statistics and operations, all on this server's own APIs.
import { getJSON, signIn, signOut } from './api.js';
import { currentLanguage, onLanguageChange, setLanguage, t, translatePage } from './i18n.js';
import { Compare } from './compare.js';
import { describe, reverse } from './feature.js';
import { LayerManager, renderLayerPanel } from './layers.js';
import { startLive } from './live.js';
import { createMap, loaded } from './mapview.js';
import { Measure } from './measure.js';
import { Operations } from './ops.js';
import { startSearch } from './search.js';
import { Statistics } from './stats.js';
import { Timeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const statusLine = (text) => { $('status').textContent = text ?? ''; };

async function initialView() {
  try {
    const { collections } = await getJSON('/collections');
    const boxes = collections.filter((c) => c.kind !== 'readings').map((c) => c.extent?.spatial?.bbox?.[0]).filter(Boolean);
    if (boxes.length) {
      const [w, s, e, n] = boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
      return { bounds: [[w, s], [e, n]] };
    }
  } catch { /* an empty platform still shows China */ }
  return { center: [105, 35], zoom: 3.3 };
}

async function main() {
  translatePage();
  if (typeof maplibregl === 'undefined') {
    statusLine('MapLibre GL JS is missing: run scripts/setup');
    return;
  }
  const view = await initialView();
  const map = createMap('map', view.bounds ? { center: [114.3, 30.6], zoom: 9 } : view);
  window.shikong = { map };
  await loaded(map);
  if (view.bounds) map.fitBounds(view.bounds, { padding: 30, duration: 0, maxZoom: 12 });

  const manager = new LayerManager(map);
  await manager.load();
  window.shikong.layers = manager;
  renderLayerPanel(manager, $('layer-list'), $('legend'), $('layer-search'));
  window.shikong.live = startLive(manager);

  const timeline = new Timeline(manager, {
    slider: $('time-slider'), label: $('time-label'), play: $('time-play'), now: $('time-now'),
    axes: document.querySelectorAll('input[name=time-axis]'),
  });
  await timeline.load();
  window.shikong.timeline = timeline;

  const measure = new Measure(map, $('measure-result'));
  const statistics = new Statistics({ subject: $('stats-subject'), value: $('stats-value'), chart: $('stats-chart') });
  const sensors = [...manager.entries.values()].find((e) => e.kind === 'sensors');
  statistics.setValues((sensors?.properties ?? []).filter((p) => p.type === 'real').map((p) => p.name));
  const operations = new Operations({ summary: $('ops-summary'), dlq: $('ops-dlq') });
  const compare = new Compare(map, manager, timeline, {
    container: $('map2'), layer: $('compare-layer'), t1: $('compare-t1'), t2: $('compare-t2'), run: $('compare-run'),
    summary: $('compare-summary'), list: $('compare-list'), leftLabel: $('label-left'), rightLabel: $('label-right'),
  });
  window.shikong.compare = compare;

  // Panels.
  let opsTimer = null;
  const openPanel = (name) => {
    $('panel').hidden = false;
    for (const panel of document.querySelectorAll('.panel')) panel.classList.toggle('shown', panel.id === `panel-${name}`);
    for (const button of document.querySelectorAll('[data-panel]')) button.classList.toggle('active', button.dataset.panel === name);
    clearInterval(opsTimer);
    if (name === 'ops') {
      const refresh = () => operations.refresh().catch((error) => statusLine(error.message));
      refresh();
      opsTimer = setInterval(refresh, 5000);
    }
    if (name !== 'measure') measure.stop();
  };
  const closePanel = () => {
    $('panel').hidden = true;
    clearInterval(opsTimer);
    measure.stop();
    for (const button of document.querySelectorAll('[data-panel]')) button.classList.remove('active');
  };
  for (const button of document.querySelectorAll('[data-panel]')) {
    button.addEventListener('click', () => (button.classList.contains('active') ? closePanel() : openPanel(button.dataset.panel)));
  }
  $('panel-close').addEventListener('click', closePanel);
  // Signing in: the token is kept in this browser and sent with every request, tiles included.
  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    if (await signIn(form.get('name'), form.get('password'))) location.reload();
    else statusLine(t('notFound'));
  });
  $('sign-out').addEventListener('click', async () => {
    await signOut();
    location.reload();
  });
  $('compare-toggle').addEventListener('click', async () => {
    const button = $('compare-toggle');
    if (compare.active) {
      compare.close();
      button.classList.remove('active');
      closePanel();
    } else {
      button.classList.add('active');
      openPanel('compare');
      await compare.open().catch((error) => statusLine(error.message));
    }
  });
  $('language').addEventListener('click', () => setLanguage(currentLanguage() === 'zh' ? 'en' : 'zh'));
  onLanguageChange(() => {
    timeline.label();
    manager.changed();
  });

  // Tools.
  $('measure-distance').addEventListener('click', () => measure.start('distance'));
  $('measure-area').addEventListener('click', () => measure.start('area'));
  $('measure-clear').addEventListener('click', () => measure.clear());
  startSearch(map, $('search'), $('search-input'), statusLine);

  map.on('dblclick', (event) => {
    if (measure.active) {
      event.preventDefault();
      measure.stop();
    }
  });
  map.on('click', async (event) => {
    if (measure.active) {
      await measure.add(event.lngLat).catch((error) => statusLine(error.message));
      return;
    }
    const features = map.queryRenderedFeatures(event.point, { layers: manager.clickable() });
    const place = await reverse(event.lngLat);
    const popup = new maplibregl.Popup({ closeButton: true }).setLngLat(event.lngLat);
    const box = document.createElement('div');
    const feature = features[0];
    if (feature) {
      const entry = manager.entries.get(feature.source.replace(/^c:/, ''));
      const head = document.createElement('strong');
      head.textContent = `${entry?.title ?? ''} ${feature.properties.name ?? feature.properties.id ?? ''}`;
      box.append(head);
      await describe(manager, feature, {
        title: $('feature-title'), attributes: $('feature-attributes'), links: $('feature-links'), history: $('feature-history'),
      }, openPanel);
      const shown = entry?.kind === 'sensors' ? statistics.show({ sensor: feature.properties.sensor_id ?? feature.properties.id })
        : entry?.kind === 'entities' ? statistics.show({ regions: entry.id, region: feature.properties.id, name: head.textContent }) : null;
      shown?.catch((error) => console.warn('statistics', error.message));
    }
    const line = document.createElement('div');
    line.textContent = `${t('reverse')}: ${place ?? `${event.lngLat.lng.toFixed(5)}, ${event.lngLat.lat.toFixed(5)}`}`;
    line.className = 'reverse';
    box.append(line);
    popup.setDOMContent(box).addTo(map);
  });
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  statusLine(error.message);
  console.error(error);
});
