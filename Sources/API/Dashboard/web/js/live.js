// Live layers: the collections whose features change by the second (sensors' latest readings,
// open alerts) are GeoJSON sources kept current for the visible area by the live subscriptions
// (`/collections/{c}/live`, Server-Sent Events): the stream opens first, and once its first frame
// says the server has registered it (a subscription starts where the collection's projection has
// reached, so nothing falls between), a snapshot from the items API fills in the features the
// stream has not touched; every change is drawn as it comes. The stream
// is read with fetch rather than EventSource so the caller's credentials go with it as with every
// other request (api.js); a dropped stream or a `gap` resumes from the last cursor it carried.
import { getJSON, headers, url } from './api.js';

const redrawEvery = 250;
const reconnectAfter = 1000;

/** A feature as the map draws it: its id as a property (promoteId), a sensor's values flattened. */
function drawable(feature) {
  const { values, ...rest } = feature.properties ?? {};
  return { type: 'Feature', id: feature.id, geometry: feature.geometry, properties: { id: feature.id, ...rest, ...(values ?? {}) } };
}

/** Reads a text/event-stream body, calling `onMessage(event, data)` per message and `onId(id)` per id. */
async function readEvents(body, { onMessage, onId }) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length) onMessage(event, data.join('\n'));
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === 'data') data.push(text);
      else if (name === 'event') event = text;
      else if (name === 'id') onId(text);
    }
  }
}

/** One live layer's subscription for one area: snapshot plus stream into a map of features. */
class LiveLayer {
  constructor(manager, entry, bbox) {
    this.manager = manager;
    this.entry = entry;
    this.bbox = bbox;
    this.features = new Map();
    // Features the stream has changed or removed until the snapshot came: it is older for them.
    this.streamed = new Set();
    this.cursor = null;
    this.controller = new AbortController();
    this.redraw = null;
    this.alerts = entry.kind === 'alerts' || entry.id === 'alerts';
    // What the layer has been through, for whoever asks why something is not on the map.
    this.stats = { connects: 0, messages: 0, applied: 0, snapshot: null, lastError: null };
    this.run();
  }

  stop() {
    this.controller.abort();
    clearTimeout(this.redraw);
  }

  /** An alert leaves the map once cleared; anything removed leaves it. */
  apply(feature, change) {
    this.streamed?.add(String(feature.id));
    const gone = change === 'removal' || (this.alerts && feature.properties?.status === 'cleared');
    if (gone) this.features.delete(String(feature.id));
    else this.features.set(String(feature.id), drawable(feature));
    this.stats.applied += 1;
    this.scheduleRedraw();
  }

  scheduleRedraw() {
    if (this.redraw) return;
    this.redraw = setTimeout(() => {
      this.redraw = null;
      if (this.controller.signal.aborted) return;
      this.manager.map.getSource(`c:${this.entry.id}`)?.setData({ type: 'FeatureCollection', features: [...this.features.values()] });
      this.entry.count = this.features.size;
    }, redrawEvery);
  }

  async run() {
    const signal = this.controller.signal;
    let first = true;
    while (!signal.aborted) {
      try {
        const path = `/collections/${encodeURIComponent(this.entry.id)}/live`;
        const extra = this.cursor ? { 'Last-Event-ID': this.cursor } : {};
        const response = await fetch(url(path, { bbox: this.bbox }), { headers: headers({ Accept: 'text/event-stream', ...extra }), signal });
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        this.stats.connects += 1;
        await readEvents(response.body, {
          onId: (id) => { if (id) this.cursor = id; },
          onMessage: (event, data) => {
            const message = JSON.parse(data);
            this.stats.messages += 1;
            if (first) {
              // The server has registered the stream (headers alone do not say so): the snapshot,
              // read from now on, is older than anything the stream brings.
              first = false;
              this.snapshot().catch((error) => console.warn('live layer snapshot', error.message));
            }
            if (message.cursor) this.cursor = message.cursor;
            if (message.kind === 'feature') this.apply(message.feature, message.change);
            else if (message.kind === 'gap') console.info(`live layer ${this.entry.id}: ${message.missed} missed, resuming`);
          },
        });
      } catch (error) {
        if (signal.aborted) return;
        this.stats.lastError = error.message;
        console.warn('live layer', this.entry.id, error.message);
      }
      await new Promise((resolve) => setTimeout(resolve, reconnectAfter));
    }
  }

  async snapshot() {
    const params = { bbox: this.bbox, limit: 5000 };
    if (this.alerts) params.filter = "status <> 'cleared'";
    const page = await getJSON(`/collections/${encodeURIComponent(this.entry.id)}/items`, params);
    this.stats.snapshot = page.features?.length ?? 0;
    for (const feature of page.features ?? []) if (!this.streamed.has(String(feature.id))) this.features.set(String(feature.id), drawable(feature));
    this.streamed = null;
    this.scheduleRedraw();
  }
}

export function startLive(manager) {
  const layers = new Map();
  const area = () => {
    const bounds = manager.map.getBounds();
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map((v, i) => Math.max(i % 2 ? -90 : -180, Math.min(i % 2 ? 90 : 180, v)).toFixed(5)).join(',');
  };
  const sync = () => {
    const bbox = area();
    for (const entry of manager.entries.values()) {
      const layer = layers.get(entry.id);
      const wanted = entry.live && entry.visible;
      if (layer && (!wanted || layer.bbox !== bbox)) {
        layer.stop();
        layers.delete(entry.id);
      }
      if (wanted && !layers.has(entry.id)) layers.set(entry.id, new LiveLayer(manager, entry, bbox));
    }
  };
  let moved = null;
  manager.map.on('moveend', () => {
    clearTimeout(moved);
    moved = setTimeout(sync, 300);
  });
  manager.onChange(sync);
  sync();
  return {
    stop() { for (const layer of layers.values()) layer.stop(); },
    /** Each live layer's area, position, features held and history (connections, messages, errors). */
    state() {
      return Object.fromEntries([...layers].map(([id, layer]) => [id, { bbox: layer.bbox, cursor: layer.cursor, held: layer.features.size, ...layer.stats }]));
    },
  };
}
