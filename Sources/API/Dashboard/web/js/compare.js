// Split-screen comparison: two synchronised maps of one collection, as the platform knew it at T1
// (left) and T2 (right), with the diff between them (/collections/{c}/diff) drawn on both and
// listed: added green, removed red, changed orange.
import { getJSON } from './api.js';
import { t } from './i18n.js';
import { LayerManager } from './layers.js';
import { createMap, loaded } from './mapview.js';
import { beijing, fromLocalInput, iso, toLocalInput } from './time.js';

const colours = { added: '#1a8f3c', removed: '#c62828', changed: '#f0a020' };

export class Compare {
  constructor(main, manager, timeline, elements) {
    this.main = main;
    this.manager = manager;
    this.timeline = timeline;
    this.el = elements;
    this.second = null;
    this.secondManager = null;
    this.active = false;
    // Each run's number: a run that a later one overtook (opening the view runs with the default
    // times while the user may already have asked for others) draws nothing.
    this.runs = 0;
    elements.run.addEventListener('click', () => this.run().catch((error) => this.status(error.message)));
  }

  fillLayers() {
    const select = this.el.layer;
    const chosen = select.value;
    select.replaceChildren();
    for (const entry of this.manager.entries.values()) if (entry.kind === 'entities') select.append(new Option(entry.title, entry.id));
    if (chosen) select.value = chosen;
    if (!this.el.t1.value) this.el.t1.value = toLocalInput(this.timeline.start + 60000);
    if (!this.el.t2.value) this.el.t2.value = toLocalInput(Date.now());
  }

  async open() {
    this.active = true;
    this.fillLayers();
    this.el.container.hidden = false;
    this.el.leftLabel.hidden = false;
    if (!this.second) {
      this.second = createMap(this.el.container, { center: this.main.getCenter(), zoom: this.main.getZoom() });
      let syncing = false;
      const sync = (from, to) => from.on('move', () => {
        if (syncing) return;
        syncing = true;
        to.jumpTo({ center: from.getCenter(), zoom: from.getZoom() });
        syncing = false;
      });
      sync(this.main, this.second);
      sync(this.second, this.main);
      await loaded(this.second);
    }
    this.main.resize();
    this.second.resize();
    this.second.jumpTo({ center: this.main.getCenter(), zoom: this.main.getZoom() });
    await this.run();
  }

  close() {
    this.active = false;
    this.el.container.hidden = true;
    this.el.leftLabel.hidden = true;
    for (const map of [this.main, this.second]) if (map?.getLayer('diff-fill')) for (const id of ['diff-fill', 'diff-line', 'diff-circle']) map.removeLayer(id);
    for (const map of [this.main, this.second]) if (map?.getSource('diff')) map.removeSource('diff');
    this.manager.setTime(this.timeline.current === null ? {} : { [this.timeline.axis]: iso(this.timeline.current) });
    this.main.resize();
  }

  async run() {
    if (!this.active) return;
    const collection = this.el.layer.value;
    const t1 = fromLocalInput(this.el.t1.value);
    const t2 = fromLocalInput(this.el.t2.value);
    if (!collection || !t1 || !t2) return;
    const run = ++this.runs;
    if (!this.secondManager || this.secondManager.only !== collection) {
      if (this.secondManager) for (const entry of this.secondManager.entries.values()) {
        for (const layer of this.secondManager.styleLayers(entry)) if (this.second.getLayer(layer)) this.second.removeLayer(layer);
        this.second.removeSource(`c:${entry.id}`);
      }
      this.secondManager = new LayerManager(this.second, { only: collection });
      await this.secondManager.load();
      if (run !== this.runs) return;
    }
    this.manager.setTime({ as_of: iso(t1) });
    this.secondManager.setTime({ as_of: iso(t2) });
    this.el.leftLabel.textContent = `T1 ${beijing(t1)}`;
    this.el.rightLabel.textContent = `T2 ${beijing(t2)}`;
    const diff = await getJSON(`/collections/${encodeURIComponent(collection)}/diff`, { from: iso(t1), to: iso(t2), limit: 500 });
    if (run !== this.runs) return;
    this.draw(diff);
    const summary = diff.summary ?? { added: 0, removed: 0, changed: 0 };
    this.el.summary.textContent = t('summary', summary.added, summary.removed, summary.changed);
    this.el.list.replaceChildren();
    for (const feature of diff.features) {
      const item = document.createElement('li');
      const change = feature.properties.change;
      item.className = change;
      const name = feature.properties.attributes?.name ?? feature.properties.attributes?.名称 ?? feature.id;
      const changedNames = Object.keys(feature.properties.attributes_changed ?? {});
      if (feature.properties.geometry_changed) changedNames.push('geometry');
      item.textContent = `${t(change)}: ${name}${changedNames.length ? ` (${changedNames.join(', ')})` : ''}`;
      item.dataset.entity = feature.id;
      item.style.cursor = 'pointer';
      item.addEventListener('click', () => zoomTo(this.main, feature.geometry));
      this.el.list.append(item);
    }
  }

  draw(diff) {
    for (const map of [this.main, this.second]) {
      if (map.getSource('diff')) {
        map.getSource('diff').setData(diff);
        continue;
      }
      map.addSource('diff', { type: 'geojson', data: diff });
      const colour = ['match', ['get', 'change'], 'added', colours.added, 'removed', colours.removed, colours.changed];
      map.addLayer({ id: 'diff-fill', type: 'fill', source: 'diff', paint: { 'fill-color': colour, 'fill-opacity': 0.35 },
        filter: ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false] });
      map.addLayer({ id: 'diff-line', type: 'line', source: 'diff', paint: { 'line-color': colour, 'line-width': 3 } });
      map.addLayer({ id: 'diff-circle', type: 'circle', source: 'diff', paint: { 'circle-color': colour, 'circle-radius': 7 },
        filter: ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false] });
    }
  }

  status(message) { this.el.summary.textContent = message; }
}

/** Fits the map to a GeoJSON geometry. */
export function zoomTo(map, geometry) {
  if (!geometry) return;
  const bounds = new maplibregl.LngLatBounds();
  const visit = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(visit));
  visit(geometry.coordinates);
  map.fitBounds(bounds, { padding: 60, maxZoom: 15 });
}
