// The layer list: every collection of /collections (searchable through /catalog), each a vector
// tile source of this server with fill, line and circle layers, toggled, faded and coloured by a
// property; live collections (sensors, alerts) are GeoJSON sources that live.js keeps current
// through the live subscriptions.
import { getJSON } from './api.js';
import { t } from './i18n.js';
import { airQuality, categories, palette, quantiles, steps, swatch } from './symbols.js';

const liveKinds = new Set(['sensors', 'alerts']);

export class LayerManager {
  constructor(map, { only = null } = {}) {
    this.map = map;
    this.only = only;
    this.entries = new Map();
    this.time = {};
    this.listeners = [];
  }

  async load() {
    const { collections } = await getJSON('/collections');
    collections.forEach((collection, index) => {
      if (this.only && collection.id !== this.only) return;
      const live = liveKinds.has(collection.kind) || collection.id === 'alerts';
      const numeric = (collection.properties ?? []).filter((p) => ['integer', 'real', 'number'].includes(p.type)).map((p) => p.name);
      const entry = {
        id: collection.id, title: collection.title, kind: collection.kind, live, properties: collection.properties ?? [],
        colour: palette[index % palette.length], opacity: 0.8, colourBy: null, colourExpression: null, legend: [],
        visible: this.only ? true : collection.kind !== 'readings',
        timed: collection.kind === 'entities' || collection.kind === 'readings',
      };
      if (collection.kind === 'sensors') {
        // The air-quality index when sensors report it (the demo feed does), else their first value.
        const value = ['aqi', 'pm25'].find((name) => numeric.includes(name)) ?? numeric[0] ?? 'aqi';
        this.applyColour(entry, { property: value, classes: airQuality });
      }
      if (collection.kind === 'alerts') {
        // Open alerts by severity (cleared ones leave the map: live.js).
        this.applyColour(entry, { property: 'severity', values: [['critical', '#b2182b'], ['warning', '#f46d43'], ['info', '#4575b4']] });
      }
      this.entries.set(entry.id, entry);
      this.addToMap(entry);
    });
    this.changed();
  }

  /** Style layer ids of `entry`. */
  styleLayers(entry) {
    return ['fill', 'line', 'circle'].map((type) => `c:${entry.id}:${type}`);
  }

  /** Every style layer of visible collections (for clicks). */
  clickable() {
    return [...this.entries.values()].filter((e) => e.visible).flatMap((e) => this.styleLayers(e)).filter((id) => this.map.getLayer(id));
  }

  tileURL(entry) {
    const params = new URLSearchParams();
    if (entry.timed) for (const [name, value] of Object.entries(this.time)) if (value) params.set(name, value);
    if (entry.kind !== 'readings' && entry.kind !== 'entities') params.delete('as_of');
    const query = params.toString();
    return `${location.origin}/collections/${encodeURIComponent(entry.id)}/tiles/WebMercatorQuad/{z}/{x}/{y}${query ? `?${query}` : ''}`;
  }

  addToMap(entry) {
    const source = `c:${entry.id}`;
    if (entry.live) {
      this.map.addSource(source, { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' });
    } else {
      this.map.addSource(source, { type: 'vector', tiles: [this.tileURL(entry)], minzoom: 0, maxzoom: 16, promoteId: 'id' });
    }
    const layer = (type, paint, filter) => {
      const definition = { id: `c:${entry.id}:${type}`, type, source, paint, filter, layout: { visibility: entry.visible ? 'visible' : 'none' } };
      if (!entry.live) definition['source-layer'] = entry.id;
      this.map.addLayer(definition);
    };
    const polygons = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
    const lines = ['match', ['geometry-type'], ['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'], true, false];
    const points = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
    layer('fill', { 'fill-color': entry.colour, 'fill-opacity': entry.opacity * 0.45 }, polygons);
    layer('line', { 'line-color': entry.colour, 'line-width': 1.4, 'line-opacity': entry.opacity }, lines);
    layer('circle', {
      'circle-color': entry.colour, 'circle-radius': entry.live ? 6 : 4, 'circle-opacity': entry.opacity,
      'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
    }, points);
    this.paint(entry);
  }

  paint(entry) {
    const colour = entry.colourExpression ?? entry.colour;
    const set = (type, property, value) => {
      const id = `c:${entry.id}:${type}`;
      if (this.map.getLayer(id)) this.map.setPaintProperty(id, property, value);
    };
    set('fill', 'fill-color', colour);
    set('fill', 'fill-opacity', entry.opacity * (entry.colourExpression ? 0.75 : 0.45));
    set('line', 'line-color', entry.colourExpression ? '#555' : colour);
    set('line', 'line-opacity', entry.opacity);
    set('circle', 'circle-color', colour);
    set('circle', 'circle-opacity', entry.opacity);
    set('circle', 'circle-stroke-opacity', entry.opacity);
  }

  setVisible(id, visible) {
    const entry = this.entries.get(id);
    entry.visible = visible;
    for (const layer of this.styleLayers(entry)) if (this.map.getLayer(layer)) this.map.setLayoutProperty(layer, 'visibility', visible ? 'visible' : 'none');
    this.changed();
  }

  setOpacity(id, opacity) {
    const entry = this.entries.get(id);
    entry.opacity = opacity;
    this.paint(entry);
  }

  /** Valid time and system time: {as_of, datetime} (RFC 3339 or null) for every layer that takes them. */
  setTime(time) {
    this.time = time;
    for (const entry of this.entries.values()) {
      if (entry.live || !entry.timed) continue;
      this.map.getSource(`c:${entry.id}`)?.setTiles([this.tileURL(entry)]);
    }
  }

  applyColour(entry, { property, classes, values, expression, legend }) {
    entry.colourBy = property;
    if (expression) entry.colourExpression = expression;
    else if (classes) entry.colourExpression = steps(property, classes);
    else if (values) entry.colourExpression = categories(property, values);
    else entry.colourExpression = null;
    entry.legend = legend ?? (classes ? classes.map(([from, c]) => [`≥ ${from}`, c]) : values ?? []);
    if (this.map.getLayer(`c:${entry.id}:fill`)) this.paint(entry);
  }

  /** Colours `id` by `property`: categories for text, five classes for numbers (from /stats). */
  async colourBy(id, property) {
    const entry = this.entries.get(id);
    if (!property) {
      this.applyColour(entry, {});
      return this.changed();
    }
    if (property === '__choropleth') return this.choropleth(entry);
    const field = entry.properties.find((p) => p.name === property);
    if (field && ['integer', 'real', 'number'].includes(field.type)) {
      const { rows } = await getJSON(`/collections/${encodeURIComponent(id)}/stats`, { group_by: property, agg: 'count' });
      const classes = quantiles(rows.map((row) => Number(row[property])));
      this.applyColour(entry, { property, classes: classes.map(([from, c]) => [Number.isFinite(from) ? from : -1e300, c]),
        legend: classes.map(([from, c]) => [Number.isFinite(from) ? `≥ ${from}` : `< ${classes[1]?.[0] ?? ''}`, c]) });
    } else {
      const { rows } = await getJSON(`/collections/${encodeURIComponent(id)}/stats`, { group_by: property, agg: 'count' });
      const values = rows.slice(0, palette.length).map((row, i) => [row[property], palette[i]]);
      this.applyColour(entry, { property, values });
    }
    this.changed();
  }

  /** District choropleth: the mean of a sensor value per region of `entry` (stats group_by=admin). */
  async choropleth(entry) {
    const sensors = [...this.entries.values()].find((e) => e.kind === 'sensors');
    const value = sensors?.colourBy ?? 'pm25';
    const { rows } = await getJSON('/collections/sensors/stats', { group_by: 'admin', regions: entry.id, agg: `avg(${value})` });
    const key = `avg(${value})`;
    const means = rows.filter((row) => row.region_id && row[key] !== null);
    const classes = quantiles(means.map((row) => Number(row[key])));
    const colourOf = (mean) => [...classes].reverse().find(([from]) => mean >= from)?.[1] ?? '#9aa5b1';
    const match = ['match', ['to-string', ['get', 'id']]];
    for (const row of means) match.push(String(row.region_id), colourOf(Number(row[key])));
    match.push('#d9d9d9');
    this.applyColour(entry, {
      property: '__choropleth', expression: means.length ? match : '#d9d9d9',
      legend: classes.map(([from, c], i) => [`${value} ${i === 0 ? '<' : '≥'} ${(i === 0 ? classes[1]?.[0] ?? from : from).toFixed?.(1) ?? from}`, c]),
    });
    this.changed();
  }

  onChange(listener) { this.listeners.push(listener); }
  changed() { for (const listener of this.listeners) listener(); }
}

/** The panel: list with search (catalogue), toggle, opacity, colour by, and the legend. */
export function renderLayerPanel(manager, list, legend, search) {
  let matching = null;
  const draw = () => {
    list.replaceChildren();
    for (const entry of manager.entries.values()) {
      if (matching && !matching.has(entry.id)) continue;
      const item = document.createElement('li');
      item.dataset.collection = entry.id;
      const row = document.createElement('label');
      row.className = 'row';
      const toggle = document.createElement('input');
      toggle.type = 'checkbox';
      toggle.checked = entry.visible;
      toggle.addEventListener('change', () => manager.setVisible(entry.id, toggle.checked));
      const title = document.createElement('span');
      title.className = 'title';
      title.textContent = `${entry.title}${entry.live ? ` · ${t('live')}` : ''}`;
      row.append(toggle, swatch(entry.colour), title);
      const controls = document.createElement('div');
      controls.className = 'controls';
      const opacity = document.createElement('input');
      opacity.type = 'range';
      opacity.min = 0;
      opacity.max = 1;
      opacity.step = 0.05;
      opacity.value = entry.opacity;
      opacity.title = t('opacity');
      opacity.addEventListener('input', () => manager.setOpacity(entry.id, Number(opacity.value)));
      const colour = document.createElement('select');
      colour.title = t('colourBy');
      colour.append(new Option(`${t('colourBy')}: ${t('none')}`, ''));
      for (const property of entry.properties) if (property.name !== 'geometry') colour.append(new Option(property.title ?? property.name, property.name));
      if (entry.kind === 'entities') colour.append(new Option(t('choropleth'), '__choropleth'));
      // Sensors are coloured by the air-quality index before any reading has named their values.
      if (entry.colourBy && ![...colour.options].some((option) => option.value === entry.colourBy)) colour.append(new Option(entry.colourBy, entry.colourBy));
      colour.value = entry.colourBy ?? '';
      colour.addEventListener('change', () => manager.colourBy(entry.id, colour.value).catch((error) => console.warn(error.message)));
      controls.append(t('opacity'), opacity, colour);
      item.append(row, controls);
      list.append(item);
    }
    legend.replaceChildren();
    for (const entry of manager.entries.values()) {
      if (!entry.visible) continue;
      const block = document.createElement('div');
      const head = document.createElement('div');
      head.append(swatch(entry.colour), entry.title);
      block.append(head);
      for (const [label, colour] of entry.legend) {
        const line = document.createElement('div');
        line.style.marginLeft = '16px';
        line.append(swatch(colour), String(label));
        block.append(line);
      }
      legend.append(block);
    }
  };
  manager.onChange(draw);
  let pending;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const q = search.value.trim();
      if (!q) matching = null;
      else {
        const found = await getJSON('/catalog', { q }).catch(() => ({ features: [] }));
        const records = found.features ?? found.records ?? [];
        matching = new Set(records.map((record) => record.id ?? record.properties?.id));
        for (const entry of manager.entries.values()) if (entry.title.includes(q) || entry.id.includes(q)) matching.add(entry.id);
      }
      draw();
    }, 250);
  });
  draw();
}
