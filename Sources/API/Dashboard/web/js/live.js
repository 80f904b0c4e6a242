// Live layers: the collections whose features change by the second (sensors' latest readings,
// alerts) are GeoJSON sources refreshed for the visible area. They poll the items API every few
// seconds; the live subscriptions (SSE) replace the polling once the server offers them.
import { getJSON } from './api.js';

const interval = 2500;

/** Flattens a sensor's `values` into its properties, so they can colour the symbol. */
function flatten(feature) {
  const { values, ...rest } = feature.properties ?? {};
  return { ...feature, id: feature.id, properties: { id: feature.id, ...rest, ...(values ?? {}) } };
}

export function startLive(manager) {
  let timer = null;
  let running = false;
  const refresh = async () => {
    if (running) return;
    running = true;
    try {
      const bounds = manager.map.getBounds();
      const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(5)).join(',');
      for (const entry of manager.entries.values()) {
        if (!entry.live || !entry.visible) continue;
        const collection = await getJSON(`/collections/${encodeURIComponent(entry.id)}/items`, { bbox, limit: 5000 });
        const features = (collection.features ?? []).map(flatten);
        manager.map.getSource(`c:${entry.id}`)?.setData({ type: 'FeatureCollection', features });
        entry.count = features.length;
      }
    } catch (error) {
      console.warn('live layer', error.message);
    } finally {
      running = false;
    }
  };
  manager.map.on('moveend', refresh);
  manager.onChange(refresh);
  refresh();
  timer = setInterval(refresh, interval);
  return () => clearInterval(timer);
}
